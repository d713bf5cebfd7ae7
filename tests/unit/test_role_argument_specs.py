# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role's defaults/main.yml, meta/argument_specs.yml, tasks and templates agree.

For each role under roles/ (each its own test id):

- defaults/main.yml and the options of entry point ``main`` name the same variables;
- each option's ``default`` equals the value in defaults/main.yml (parsed YAML, types included);
- each option of every entry point has a ``description`` and a ``type``;
- every variable carries the role's prefix (``apache_``, ``wsgi_app_``);
- each ``default`` fits the option's ``type`` (and ``elements``);
- every prefixed variable the tasks and templates use is documented, unless the role itself
  sets it (``register:``, keys of ``vars:``, ``set_fact``, ``loop_var``, ``{% set %}``, vars/);
- every option of ``main`` is used by the tasks, templates or role vars.

Entry points other than ``main`` (such as ``reload`` of the apache role, whose
``apache_reload_kind`` the handlers pass) are documentation only: their options need a
description and a type and count as documented, but need no default; a default they do show
(``rollback`` of wsgi_app repeats those of the variables it reads) must be the one of defaults/main.yml.

The checks build lists of problems, so one run reports every mismatch at once; the tests at
the end run them on a deliberately broken role to prove each one bites.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import os
import re

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES_DIR = os.path.join(REPO_ROOT, 'roles')
MAIN = 'main'
JINJA = re.compile(r'{{|{%')
# Option types this test can check a default against; anything else is reported.
KNOWN_TYPES = ('str', 'path', 'int', 'bool', 'list', 'dict', 'float', 'raw')


def _roles():
    return sorted(name for name in os.listdir(ROLES_DIR)
                  if os.path.isdir(os.path.join(ROLES_DIR, name, 'tasks')))


def _rel(path):
    return os.path.relpath(path, REPO_ROOT)


def _show(value):
    """A value as it would be written in YAML, on one line."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10 ** 6).strip()
    if text.endswith('\n...'):
        text = text[:-4]
    return text


def _load_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


class Role(object):
    """The parsed files of one role; problems reading them are kept, not raised."""

    def __init__(self, role_dir):
        self.dir = role_dir
        self.name = os.path.basename(role_dir)
        self.prefix = self.name + '_'
        self.defaults_file = os.path.join(role_dir, 'defaults', 'main.yml')
        self.spec_file = os.path.join(role_dir, 'meta', 'argument_specs.yml')
        self.load_problems = []

        self.defaults = {}
        if os.path.exists(self.defaults_file):
            data = _load_yaml(self.defaults_file)
            if data is None:
                data = {}
            if isinstance(data, dict):
                self.defaults = data
            else:
                self.load_problems.append('%s must be a YAML mapping of variables, got %s.'
                                          % (_rel(self.defaults_file), type(data).__name__))

        # entry point name -> {option name: option dict}
        self.entry_points = {}
        # A role without defaults takes no input at main, which then needs no spec: one
        # would only add a validation task to every play (apache_control).
        takes_input = os.path.exists(self.defaults_file)
        if not os.path.exists(self.spec_file):
            if takes_input:
                self.load_problems.append('%s does not exist: create it with argument_specs.main.options '
                                          'documenting every variable of %s.'
                                          % (_rel(self.spec_file), _rel(self.defaults_file)))
        else:
            data = _load_yaml(self.spec_file) or {}
            specs = data.get('argument_specs') if isinstance(data, dict) else None
            if not isinstance(specs, dict) or (MAIN not in specs and takes_input):
                self.load_problems.append('%s has no entry point argument_specs.main: add it, with an options '
                                          'mapping.' % _rel(self.spec_file))
            for entry_point, spec in (specs or {}).items():
                options = (spec or {}).get('options') or {}
                if not isinstance(options, dict):
                    self.load_problems.append('%s: argument_specs.%s.options must be a mapping of option names.'
                                              % (_rel(self.spec_file), entry_point))
                    options = {}
                self.entry_points[entry_point] = dict(
                    (name, option if isinstance(option, dict) else {}) for name, option in options.items())
        self.main_options = self.entry_points.get(MAIN, {})

    # Files of tasks (handlers included) and templates.
    def task_files(self):
        return sorted(glob.glob(os.path.join(self.dir, 'tasks', '**', '*.yml'), recursive=True)
                      + glob.glob(os.path.join(self.dir, 'handlers', '*.yml')))

    def template_files(self):
        return sorted(glob.glob(os.path.join(self.dir, 'templates', '**', '*.j2'), recursive=True))

    def vars_files(self):
        return sorted(glob.glob(os.path.join(self.dir, 'vars', '*.yml')))

    def plugin_files(self):
        """The Python that reads the role's variables itself (wsgi_app_input.py, its input check)."""
        return sorted(glob.glob(os.path.join(REPO_ROOT, 'plugins', 'plugin_utils', self.name + '_*.py')))

    def references(self):
        """{variable: ['file:line', ...]} for every prefixed name in tasks/*.yml, handlers/*.yml, templates/*.j2,
        vars/*.yml and the role's plugin_utils; a role's name in a FQCN (modwsgi.deploy.apache_control) or a
        path (../apache_control/) is not a variable, nor is a stem ending in "_" (a comment's "the
        wsgi_app_venv_* variables")."""
        pattern = re.compile(r'(?<![./\w])%s[a-z0-9_]*[a-z0-9]\b' % re.escape(self.prefix))
        found = {}
        for path in self.task_files() + self.template_files() + self.vars_files() + self.plugin_files():
            with open(path) as handle:
                for number, line in enumerate(handle, 1):
                    for name in pattern.findall(line):
                        found.setdefault(name, []).append('%s:%d' % (_rel(path), number))
        return found

    def locally_set(self):
        """{variable: 'where'} for names the role sets itself rather than takes as input."""
        local = {}

        def walk(node, path):
            if isinstance(node, list):
                for item in node:
                    walk(item, path)
                return
            if not isinstance(node, dict):
                return
            registered = node.get('register')
            if isinstance(registered, str):
                local.setdefault(registered, '%s (register:)' % _rel(path))
            task_vars = node.get('vars')
            if isinstance(task_vars, dict):
                for key in task_vars:
                    local.setdefault(key, '%s (vars:)' % _rel(path))
            for module in ('set_fact', 'ansible.builtin.set_fact', 'ansible.legacy.set_fact'):
                facts = node.get(module)
                if isinstance(facts, dict):
                    for key in facts:
                        if key != 'cacheable':
                            local.setdefault(key, '%s (set_fact)' % _rel(path))
            loop_control = node.get('loop_control')
            if isinstance(loop_control, dict) and isinstance(loop_control.get('loop_var'), str):
                local.setdefault(loop_control['loop_var'], '%s (loop_var)' % _rel(path))
            for value in node.values():
                walk(value, path)

        for path in self.task_files():
            walk(_load_yaml(path), path)
        for path in sorted(glob.glob(os.path.join(self.dir, 'vars', '*.yml'))):
            for key in (_load_yaml(path) or {}):
                local.setdefault(key, '%s (role vars)' % _rel(path))
        # Jinja's own assignments and loop variables, in tasks and templates alike.
        jinja_local = re.compile(r'{%-?\s*(?:set\s+([A-Za-z_][A-Za-z0-9_]*)|for\s+([A-Za-z0-9_,\s]+?)\s+in\s)')
        for path in self.task_files() + self.template_files():
            with open(path) as handle:
                for match in jinja_local.finditer(handle.read()):
                    names = match.group(1) or match.group(2)
                    for name in re.split(r'[,\s]+', names.strip()):
                        if name:
                            local.setdefault(name, '%s ({%% set/for %%})' % _rel(path))
        return local


# The checks: each returns a list of problems, each saying what to change and where.

def check_defaults_match_spec_names(role):
    problems = []
    spec = _rel(role.spec_file)
    defaults = _rel(role.defaults_file)
    for name in sorted(set(role.defaults) - set(role.main_options)):
        problems.append(
            '%s is set in %s but is not an option of argument_specs.main in %s: add it there with '
            'type, description and default: %s.' % (name, defaults, spec, _show(role.defaults[name])))
    for name in sorted(set(role.main_options) - set(role.defaults)):
        option = role.main_options[name]
        value = (' (the spec says default: %s)' % _show(option['default'])) if 'default' in option else ''
        problems.append(
            '%s is an option of argument_specs.main in %s but is missing from %s: add "%s: <value>" '
            'there%s, or remove the option if the role does not take it.' % (name, spec, defaults, name, value))
    return problems


def _same(left, right):
    """Equal as parsed YAML, types included (true is not 1, 1 is not 1.0, "80" is not 80)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return set(left) == set(right) and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    return type(left) is type(right) and left == right


def check_spec_defaults_equal_defaults(role):
    problems = []
    for name in sorted(set(role.defaults) & set(role.main_options)):
        value = role.defaults[name]
        option = role.main_options[name]
        if 'default' not in option:
            problems.append(
                '%s: option %s of argument_specs.main has no default, but %s sets it to %s: add '
                '"default: %s" to the option.'
                % (_rel(role.spec_file), name, _rel(role.defaults_file), _show(value), _show(value)))
        elif not _same(option['default'], value):
            problems.append(
                '%s: option %s of argument_specs.main has default: %s (%s) but %s sets %s: %s (%s): make them '
                'the same value and type.'
                % (_rel(role.spec_file), name, _show(option['default']), type(option['default']).__name__,
                   _rel(role.defaults_file), name, _show(value), type(value).__name__))
    # The role's defaults apply to every entry point, so another entry point's documented default must agree.
    for entry_point in sorted(set(role.entry_points) - {MAIN}):
        options = role.entry_points[entry_point]
        for name in sorted(set(role.defaults) & set(options)):
            option = options[name]
            if 'default' in option and not _same(option['default'], role.defaults[name]):
                problems.append(
                    '%s: option %s of argument_specs.%s has default: %s but %s sets %s: %s: make them the same, '
                    'or drop the default there.'
                    % (_rel(role.spec_file), name, entry_point, _show(option['default']), _rel(role.defaults_file),
                       name, _show(role.defaults[name])))
    return problems


def _has_text(value):
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, str) and item.strip() for item in value)
    return False


def check_options_documented(role):
    problems = []
    for entry_point in sorted(role.entry_points):
        for name, option in sorted(role.entry_points[entry_point].items()):
            where = '%s: option %s of argument_specs.%s' % (_rel(role.spec_file), name, entry_point)
            if not _has_text(option.get('description')):
                problems.append('%s has no description: add "description:" with a line (or list of lines) '
                                'saying what it does.' % where)
            if 'type' not in option:
                problems.append('%s has no type: add "type:" (one of %s).' % (where, ', '.join(KNOWN_TYPES)))
            elif option['type'] not in KNOWN_TYPES:
                problems.append('%s has type: %s, which is not an argument_spec type: use one of %s.'
                                % (where, _show(option['type']), ', '.join(KNOWN_TYPES)))
            if option.get('type') == 'list' and 'elements' not in option:
                problems.append('%s is a list without "elements:": add the type of its items (e.g. elements: str).'
                                % where)
    return problems


def check_prefix(role):
    problems = []
    for name in sorted(role.defaults):
        if not name.startswith(role.prefix):
            problems.append('%s sets %s, which lacks the role prefix %s: rename it to %s%s (and everywhere it '
                            'is used).' % (_rel(role.defaults_file), name, role.prefix, role.prefix, name))
    for entry_point in sorted(role.entry_points):
        for name in sorted(role.entry_points[entry_point]):
            if not name.startswith(role.prefix):
                problems.append('%s: option %s of argument_specs.%s lacks the role prefix %s: rename it to '
                                '%s%s (and everywhere it is used).'
                                % (_rel(role.spec_file), name, entry_point, role.prefix, role.prefix, name))
    return problems


def _fits(value, type_name):
    if type_name in ('str', 'path'):
        return isinstance(value, str)
    if type_name == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == 'float':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == 'bool':
        return isinstance(value, bool)
    if type_name == 'list':
        return isinstance(value, list)
    if type_name == 'dict':
        return isinstance(value, dict)
    return True  # raw, or an unknown type already reported by check_options_documented


def check_defaults_fit_types(role):
    problems = []
    for entry_point in sorted(role.entry_points):
        for name, option in sorted(role.entry_points[entry_point].items()):
            if 'default' not in option or option.get('type') not in KNOWN_TYPES:
                continue
            value = option['default']
            if value is None and not option.get('required'):
                continue  # "no default", as Ansible reads it
            where = '%s: option %s of argument_specs.%s' % (_rel(role.spec_file), name, entry_point)
            # A Jinja default is templated before the spec is validated: only a str can be checked.
            if isinstance(value, str) and JINJA.search(value) and option['type'] not in ('str', 'path'):
                continue
            if not _fits(value, option['type']):
                problems.append('%s has type: %s but default: %s is a %s: change the default or the type.'
                                % (where, option['type'], _show(value), type(value).__name__))
            elif option['type'] == 'list' and option.get('elements') in KNOWN_TYPES:
                for item in value:
                    if not _fits(item, option['elements']):
                        problems.append('%s has elements: %s but its default holds %s, a %s: change the item '
                                        'or elements.' % (where, option['elements'], _show(item),
                                                          type(item).__name__))
            if 'choices' in option and isinstance(option['choices'], list) and value not in option['choices']:
                problems.append('%s has default: %s, which is not one of its choices %s.'
                                % (where, _show(value), _show(option['choices'])))
    return problems


def check_references_documented(role):
    documented = set()
    for options in role.entry_points.values():
        documented.update(options)
    local = role.locally_set()
    problems = []
    for name, places in sorted(role.references().items()):
        if name in documented or name in local:
            continue
        problems.append(
            '%s is used in %s but is neither documented in %s nor set by the role: if it is input, add it to '
            'argument_specs.main.options with type, description and default and to %s; if it is internal, '
            'set it with register:, vars: or set_fact; if it is a typo, fix it there.'
            % (name, ', '.join(places), _rel(role.spec_file), _rel(role.defaults_file)))
    return problems


def check_options_used(role):
    used = role.references()
    problems = []
    for name in sorted(role.main_options):
        if name not in used:
            problems.append(
                'option %s of argument_specs.main in %s is never used in %s/tasks/*.yml, templates/*.j2, vars/*.yml '
                'or its plugin_utils: use it, or remove it from the spec and from %s.'
                % (name, _rel(role.spec_file), _rel(role.dir), _rel(role.defaults_file)))
    return problems


CHECKS = [
    check_defaults_match_spec_names,
    check_spec_defaults_equal_defaults,
    check_options_documented,
    check_prefix,
    check_defaults_fit_types,
    check_references_documented,
    check_options_used,
]


def _report(role, problems):
    problems = role.load_problems + problems
    if problems:
        pytest.fail('role %s:\n- %s' % (role.name, '\n- '.join(problems)), pytrace=False)


@pytest.fixture(scope='module', params=_roles())
def role(request):
    return Role(os.path.join(ROLES_DIR, request.param))


def test_roles_found():
    assert _roles(), 'no role with a tasks/ directory under %s' % ROLES_DIR


RULES = [check_defaults_match_spec_names, check_spec_defaults_equal_defaults, check_options_documented, check_prefix,
         check_defaults_fit_types, check_references_documented, check_options_used]


@pytest.mark.parametrize('check', RULES, ids=[check.__name__[len('check_'):] for check in RULES])
def test_role_follows_the_rule(role, check):
    _report(role, check(role))


# The checks themselves, on a role that breaks every rule once.

BROKEN_DEFAULTS = """\
---
demo_port: 80
demo_flag: true
demo_names: [a]
demo_only_in_defaults: x
unprefixed: 1
"""

BROKEN_SPEC = """\
---
argument_specs:
  main:
    options:
      demo_port:
        type: int
        default: "80"
        description: [Port.]
      demo_flag:
        type: bool
        default: 1
        description: Flag.
      demo_names:
        type: list
        default: [1]
      demo_only_in_spec:
        description: Nothing.
        type: str
        default: y
      unprefixed:
        type: int
        default: 1
        description: Bad name.
  other:
    options:
      demo_kind:
        type: str
        required: true
      demo_port:
        type: int
        default: 81
        description: Port, with another default than defaults/main.yml's.
"""

BROKEN_TASKS = """\
---
- name: Use things
  ansible.builtin.debug:
    msg: "{{ demo_port }} {{ demo_undocumented }} {{ demo_result }} {{ demo_local }} {{ demo_kind }}"
  register: demo_result
  vars:
    demo_local: "{{ demo_flag }}"
- name: Facts
  ansible.builtin.set_fact:
    demo_fact: 1
# Not a variable: the demo_stem_* variables, a family named in prose.
"""

BROKEN_TEMPLATE = "{% for demo_item in demo_names %}{{ demo_item }} {{ demo_fact }} {{ unprefixed }}{% endfor %}\n"


@pytest.fixture
def broken_role(tmp_path):
    base = tmp_path / 'demo'
    for relative, text in (('defaults/main.yml', BROKEN_DEFAULTS), ('meta/argument_specs.yml', BROKEN_SPEC),
                           ('tasks/main.yml', BROKEN_TASKS), ('templates/t.j2', BROKEN_TEMPLATE)):
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Role(str(base))


def _joined(problems):
    return '\n'.join(problems)


def test_check_names(broken_role):
    text = _joined(check_defaults_match_spec_names(broken_role))
    assert 'demo_only_in_defaults is set in' in text
    assert 'add it there with type, description and default: x.' in text
    assert 'demo_only_in_spec is an option of argument_specs.main' in text
    assert 'demo_kind' not in text  # other entry points need no defaults


def test_check_default_values(broken_role):
    problems = check_spec_defaults_equal_defaults(broken_role)
    text = _joined(problems)
    assert "option demo_port of argument_specs.main has default: '80' (str)" in text
    assert 'option demo_flag of argument_specs.main has default: 1 (int)' in text  # 1 is not true
    assert 'option demo_names of argument_specs.main has default: [1]' in text
    assert 'option demo_port of argument_specs.other has default: 81 but' in text
    assert len(problems) == 4


def test_check_description_and_type(broken_role):
    text = _joined(check_options_documented(broken_role))
    assert 'option demo_names of argument_specs.main has no description' in text
    assert 'option demo_names of argument_specs.main is a list without "elements:"' in text
    assert 'option demo_kind of argument_specs.other has no description' in text
    assert 'demo_port' not in text


def test_check_prefix(broken_role):
    problems = check_prefix(broken_role)
    assert len(problems) == 2
    assert all('unprefixed' in problem and 'rename it to demo_unprefixed' in problem for problem in problems)


def test_check_types(broken_role):
    text = _joined(check_defaults_fit_types(broken_role))
    assert "demo_port of argument_specs.main has type: int but default: '80' is a str" in text
    assert 'demo_flag of argument_specs.main has type: bool but default: 1 is a int' in text


def test_check_references(broken_role):
    problems = check_references_documented(broken_role)
    assert len(problems) == 1, problems
    assert problems[0].startswith('demo_undocumented is used in ')
    assert 'tasks/main.yml:4' in problems[0]


def test_check_used(broken_role):
    text = _joined(check_options_used(broken_role))
    assert 'option demo_only_in_spec of argument_specs.main' in text
    # Used in the template, but unprefixed names are invisible to the prefix grep.
    assert 'option unprefixed of argument_specs.main' in text
    assert 'demo_port' not in text and 'demo_flag' not in text and 'demo_names' not in text
