# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes several Apache files, links and the directories they need as one change that the
configuration test judges, and puts the previous ones back when it refuses them
(modwsgi.deploy.apache_config). Standard library only, Python 3.6 and later: the module runs
on every supported target."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import stat
import tempfile


class ConfigError(Exception):
    pass


def read(path, follow=False):
    """What is at path: None, ('link', target), ('file', content, mode, uid, gid) or
    ('directory', mode, uid, gid); with follow, what a link leads to."""
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return ('link', os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ('directory', stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError('%s is neither a regular file nor a link' % path)
    with open(path, 'rb') as handle:
        return ('file', handle.read(), stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)


def plan(files, links, absent, mode, uid, gid, directories=(), directory_attributes=(0o755, 0, 0)):
    """The changes that make the host as asked: (path, before, after) for each path whose
    state differs, after as read() would return it once written (None: removed). Directories
    come first, each before the ones inside it, so the files they hold have somewhere to go."""
    wanted = [(path, ('directory',) + tuple(directory_attributes))
              for path in sorted(with_missing_parents(directories))]
    wanted += [(path, ('file', content, mode, uid, gid)) for path, content in sorted(files.items())]
    wanted += [(path, ('link', source)) for path, source in sorted(links.items())]
    wanted += [(path, None) for path in absent]
    changes = []
    for path, after in wanted:
        # A directory may be a link to one (a DocumentRoot on another disk): its target is
        # given the mode and owners, as the file module does.
        before = read(path, follow=after is not None and after[0] == 'directory')
        was_directory = before is not None and before[0] == 'directory'
        if before is not None and was_directory != (after is not None and after[0] == 'directory'):
            raise ConfigError('%s is %s' % (path, 'a directory' if was_directory else 'not a directory'))
        if before != after:
            changes.append((path, before, after))
    return changes


def with_missing_parents(directories):
    """The directories and the parents of theirs that do not exist, as mkdir -p (and the file
    module) would make them."""
    found = set()
    for path in directories:
        found.add(path)
        parent = os.path.dirname(path)
        while parent not in found and not os.path.lexists(parent):
            found.add(parent)
            parent = os.path.dirname(parent)
    return found


def put(path, state):
    """Makes path hold state (as read() returns it), replacing what is there in one rename, so
    Apache, logrotate or a reader never sees a half-written file. A directory is made (or
    given its mode and owners) in place; taken back, it is removed once empty."""
    if state is None:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        elif os.path.lexists(path):
            os.unlink(path)
        return
    directory, name = os.path.split(path)
    if not os.path.isdir(directory):
        raise ConfigError('%s: the directory %s does not exist' % (path, directory))
    if state[0] == 'directory':
        if not os.path.isdir(path):
            # Nobody else may enter it before its owners and mode are set.
            os.mkdir(path, 0o700)
        os.chown(path, state[2], state[3])
        os.chmod(path, state[1])
        return
    if state[0] == 'link':
        temporary = os.path.join(directory, '.%s.%d.tmp' % (name, os.getpid()))
        if os.path.lexists(temporary):
            os.unlink(temporary)
        os.symlink(state[1], temporary)
    else:
        handle, temporary = tempfile.mkstemp(prefix='.%s.' % name, dir=directory)
        try:
            os.write(handle, state[1])
            os.fchown(handle, state[3], state[4])
            os.fchmod(handle, state[2])
            os.fsync(handle)
        finally:
            os.close(handle)
    try:
        os.rename(temporary, path)
    except OSError:
        os.unlink(temporary)
        raise


def apply(changes):
    """Writes the changes; if one fails, those already written are taken back."""
    done = []
    try:
        for path, before, after in changes:
            put(path, after)
            done.append((path, before, after))
    except (OSError, ConfigError):
        restore(done)
        raise


def restore(changes):
    """Puts back what was there before the changes, the last change first."""
    for path, before, after in reversed(changes):
        put(path, before)


def describe(state):
    """A state as the text of a diff: a file's content, a link's target."""
    if state is None:
        return ''
    if state[0] == 'link':
        return 'symbolic link to %s\n' % state[1]
    if state[0] == 'directory':
        return 'directory\n'
    return state[1].decode('utf-8', 'replace')


def attributes(state):
    """The mode and owners of a file or a directory, the last three fields of its state."""
    if state is None or state[0] == 'link':
        return {}
    mode, uid, gid = state[-3:]
    return {'mode': '%04o' % mode, 'uid': uid, 'gid': gid}


def diff(changes):
    """One entry per change, as Ansible prints them with --diff: the content, and where only
    the mode or the owners change, those."""
    entries = []
    for path, before, after in changes:
        before_text, after_text = describe(before), describe(after)
        if before_text != after_text:
            entries.append({'before_header': path, 'after_header': path,
                            'before': before_text, 'after': after_text})
        if before and after and attributes(before) != attributes(after):
            entries.append({'before_header': path + ' (attributes)', 'after_header': path + ' (attributes)',
                            'before': attributes(before), 'after': attributes(after)})
    return entries
