"""Writes docs/variables.md, the reference of every role variable, from roles/*/meta/argument_specs.yml.

Usage: python docs/generate_reference.py [--check] [--output FILE]

Every option of every entry point of every role under roles/ gets a row with its type, default, choices and
description; Ansible's doc markup (C(), V(), O(), M(), ...) becomes Markdown. `make docs` runs it with the tool
environment's Python; tests/unit/test_variables_doc.py fails while the committed file differs from its output.
With --check it writes nothing and exits 1 when the file is out of date.
"""
import argparse
import json
import os
import re
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO_ROOT, 'docs', 'variables.md')
COLLECTION = 'modwsgi.deploy'
# Markup that becomes a code span, and the rest (I() italic, B() bold, U() a link, L(text,url) a link).
CODE_MARKUP = ('C', 'V', 'O', 'M', 'E', 'RV')
MARKUP = re.compile(r'\b(RV|[CVOMEIBUL])\(')
# Characters Markdown would read as formatting in plain text; an underscore inside a word (mod_wsgi) is not one.
PLAIN_ESCAPES = re.compile(r'([\\`*\[\]<>|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))')


def closing_paren(text, start):
    """Index of the ')' that closes the '(' just before start, counting nested pairs; the first ')' if none balances."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == '(':
            depth += 1
        elif text[index] == ')':
            if depth == 0:
                return index
            depth -= 1
    return text.find(')', start)


def code(text, in_table):
    """A Markdown code span holding text as is."""
    fence = '``' if '`' in text else '`'
    pad = ' ' if fence == '``' or text.startswith(' ') or text.endswith(' ') else ''
    span = fence + pad + text + pad + fence
    # In a table a pipe ends the cell, even inside a code span, unless escaped.
    return span.replace('|', '\\|') if in_table else span


def plain(text, in_table):
    escaped = PLAIN_ESCAPES.sub(r'\\\1', text)
    return escaped if in_table else escaped.replace('\\|', '|')


def markup(text, in_table=True):
    """Ansible doc markup to Markdown."""
    parts = []
    position = 0
    while True:
        found = MARKUP.search(text, position)
        end = closing_paren(text, found.end()) if found else -1
        if end < 0:
            parts.append(plain(text[position:], in_table))
            return ''.join(parts)
        parts.append(plain(text[position:found.start()], in_table))
        kind, content = found.group(1), text[found.end():end]
        if kind in ('O', 'RV'):
            # An option of another plugin or entry point, O(fqcn#type:entry_point:name=value):
            # the reference shows as its name, as ansible-doc shows it.
            content = content.rpartition(':')[2] if '#' in content else content
        if kind in CODE_MARKUP:
            parts.append(code(content, in_table))
        elif kind == 'I':
            parts.append('*%s*' % plain(content, in_table))
        elif kind == 'B':
            parts.append('**%s**' % plain(content, in_table))
        elif kind == 'U':
            parts.append('<%s>' % content)
        else:
            label, dummy, url = content.rpartition(',')
            parts.append('[%s](%s)' % (plain(label.strip(), in_table), url.strip()))
        position = end + 1


def paragraphs(value):
    """A description as a list of paragraphs (a string is one)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def show_value(value):
    """A default or a choice as it is written in YAML or JSON, as a code span."""
    if isinstance(value, bool):
        text = 'true' if value else 'false'
    elif isinstance(value, str):
        text = value if value else '""'
    else:
        text = json.dumps(value, ensure_ascii=False)
    return code(text, in_table=True)


def show_type(spec):
    kind = spec.get('type', 'str')
    return '%s of %s' % (kind, spec['elements']) if spec.get('elements') else kind


def option_rows(options, prefix=''):
    """One table row per option, suboptions after their parent as parent.child."""
    rows = []
    for name, spec in options.items():
        if spec.get('required'):
            default = 'required'
        elif 'default' in spec:
            default = show_value(spec['default'])
        else:
            default = ''
        choices = ', '.join(show_value(choice) for choice in spec.get('choices', []))
        description = '<br>'.join(markup(text) for text in paragraphs(spec.get('description')))
        rows.append('| %s | %s | %s | %s | %s |' % (code(prefix + name, True), show_type(spec), default, choices, description))
        rows.extend(option_rows(spec.get('options') or {}, prefix + name + '.'))
    return rows


def entry_point_lines(name, entry_point):
    heading = '### Entry point `%s`' % name
    if name != 'main':
        heading += ' (`tasks_from: %s`)' % name
    lines = [heading, '']
    if entry_point.get('short_description'):
        lines += [markup(entry_point['short_description'].rstrip('.'), in_table=False) + '.', '']
    for text in paragraphs(entry_point.get('description')):
        lines += [markup(text, in_table=False), '']
    options = entry_point.get('options') or {}
    if not options:
        return lines + ['No options.', '']
    return lines + [
        '| Option | Type | Default | Choices | Description |',
        '|---|---|---|---|---|',
    ] + option_rows(options) + ['']


def roles(repo_root):
    """(role, argument_specs) of every role under roles/ that has meta/argument_specs.yml, by name."""
    found = []
    roles_dir = os.path.join(repo_root, 'roles')
    for role in sorted(os.listdir(roles_dir)):
        path = os.path.join(roles_dir, role, 'meta', 'argument_specs.yml')
        if os.path.isfile(path):
            with open(path, encoding='utf-8') as handle:
                found.append((role, yaml.safe_load(handle)['argument_specs']))
    return found


def render(repo_root=REPO_ROOT):
    """The text of docs/variables.md."""
    specs = roles(repo_root)
    lines = [
        '# Role variables',
        '',
        '<!-- Generated by docs/generate_reference.py from roles/*/meta/argument_specs.yml; do not edit by hand.',
        '     Change the specs, then run `make docs`. -->',
        '',
        'Every option of every entry point of the roles of `%s`, from their `meta/argument_specs.yml`.' % COLLECTION,
        'Ansible checks the variables of each entry point against them when the role runs.',
        '`ansible-doc -t role %s.ROLE` shows the same.' % COLLECTION,
        '',
    ]
    for role, entry_points in specs:
        lines += ['- `%s.%s`: %s' % (COLLECTION, role, ', '.join('`%s`' % name for name in entry_points))]
    lines.append('')
    for role, entry_points in specs:
        lines += ['## `%s.%s`' % (COLLECTION, role), '']
        for name, entry_point in entry_points.items():
            lines += entry_point_lines(name, entry_point)
    return '\n'.join(lines).rstrip('\n') + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--output', default=OUTPUT, help='file to write (default: docs/variables.md)')
    parser.add_argument('--check', action='store_true', help='write nothing; exit 1 if the file is out of date')
    args = parser.parse_args(argv)
    text = render()
    try:
        with open(args.output, encoding='utf-8') as handle:
            current = handle.read()
    except FileNotFoundError:
        current = None
    if args.check:
        if current != text:
            print('%s is out of date: run `make docs`' % os.path.relpath(args.output), file=sys.stderr)
            return 1
        return 0
    if current == text:
        print('%s is up to date' % os.path.relpath(args.output))
        return 0
    with open(args.output, 'w', encoding='utf-8') as handle:
        handle.write(text)
    print('written %s' % os.path.relpath(args.output))
    return 0


if __name__ == '__main__':
    sys.exit(main())
