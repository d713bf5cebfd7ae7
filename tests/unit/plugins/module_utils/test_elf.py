# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import platform
import random
import re
import shutil
import struct
import subprocess
import sys

import pytest

from ansible_collections.modwsgi.deploy.plugins.module_utils.elf import (
    ElfError,
    libpython_version,
    needed_libraries,
)


def readelf_needed(path):
    """DT_NEEDED entries according to binutils, to check the parser against."""
    output = subprocess.check_output(['readelf', '-d', '-W', path], universal_newlines=True)
    return re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]*)\]', output)


def synthetic_elf(elf_class, little_endian, needed):
    """Bytes of a minimal ELF shared object: one PT_LOAD, one PT_DYNAMIC, a dynamic string table.

    The load segment starts at a virtual address other than 0 so the parser has to map
    DT_STRTAB back to a file offset. gcc on this machine only makes little-endian x86 files,
    so this covers big-endian and both classes alike.
    """
    order = '<' if little_endian else '>'
    if elf_class == 64:
        header_format, phdr_format, dyn_format = 'HHIQQQIHHHHHH', 'IIQQQQQQ', 'qQ'
    else:
        header_format, phdr_format, dyn_format = 'HHIIIIIHHHHHH', 'IIIIIIII', 'iI'
    header_size = 16 + struct.calcsize(order + header_format)
    phdr_size = struct.calcsize(order + phdr_format)
    dyn_size = struct.calcsize(order + dyn_format)

    strtab = b'\0'
    name_offsets = []
    for name in needed:
        name_offsets.append(len(strtab))
        strtab += name.encode('ascii') + b'\0'
    base = 0x10000
    dynamic_offset = header_size + 2 * phdr_size
    entries = [(1, offset) for offset in name_offsets] + [(5, None), (10, len(strtab)), (0, 0)]
    strtab_offset = dynamic_offset + len(entries) * dyn_size
    entries[len(name_offsets)] = (5, base + strtab_offset)
    total = strtab_offset + len(strtab)

    def phdr(p_type, offset, vaddr, size):
        if elf_class == 64:
            return struct.pack(order + phdr_format, p_type, 6, offset, vaddr, vaddr, size, size, 8)
        return struct.pack(order + phdr_format, p_type, offset, vaddr, vaddr, size, size, 6, 4)

    ident = b'\x7fELF' + bytes(bytearray([1 if elf_class == 32 else 2, 1 if little_endian else 2, 1])) + b'\0' * 9
    header = struct.pack(order + header_format, 3, 0, 1, 0, header_size, 0, 0, header_size, phdr_size, 2, 0, 0, 0)
    dynamic = b''.join(struct.pack(order + dyn_format, tag, value) for tag, value in entries)
    data = (ident + header + phdr(1, 0, base, total)
            + phdr(2, dynamic_offset, base + dynamic_offset, len(dynamic)) + dynamic + strtab)
    assert len(data) == total
    return data


@pytest.fixture(scope='module')
def libc():
    """Path of the C library mapped into this process."""
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1]
            if re.search(r'/libc[.-][^/]*so', path):
                return path
    raise AssertionError('no libc in /proc/self/maps')


@pytest.mark.parametrize('version,soname', [('3.6', 'libpython3.6m.so.1.0'), ('3.11', 'libpython3.11.so.1.0')])
def test_gcc_built_mod_wsgi(tmp_path, build_mod_wsgi, version, soname):
    module = build_mod_wsgi(str(tmp_path), soname, 'mod_wsgi.so')
    needed = needed_libraries(module)
    assert soname in needed
    assert needed == readelf_needed(module)
    assert libpython_version(needed) == version


@pytest.mark.skipif(platform.machine() != 'x86_64', reason='gcc -m32 builds i386 objects only on x86_64')
def test_gcc_built_elf32(tmp_path, build_mod_wsgi):
    # -nostdlib: linking a 32-bit object needs no 32-bit C library this way.
    module = build_mod_wsgi(str(tmp_path), 'libpython3.6m.so.1.0', 'mod_wsgi.so', ('-m32', '-nostdlib'))
    with open(module, 'rb') as handle:
        assert handle.read(5)[4:] == b'\x01'
    assert needed_libraries(module) == ['libpython3.6m.so.1.0'] == readelf_needed(module)


@pytest.mark.parametrize('elf_class', [32, 64])
@pytest.mark.parametrize('little_endian', [True, False], ids=['little', 'big'])
def test_synthetic_classes_and_byte_orders(tmp_path, elf_class, little_endian):
    path = str(tmp_path / 'mod_wsgi.so')
    with open(path, 'wb') as handle:
        handle.write(synthetic_elf(elf_class, little_endian, ['libpython3.6m.so.1.0', 'libc.so.6']))
    assert needed_libraries(path) == ['libpython3.6m.so.1.0', 'libc.so.6'] == readelf_needed(path)


def test_synthetic_without_needed_entries(tmp_path):
    path = str(tmp_path / 'plain.so')
    with open(path, 'wb') as handle:
        handle.write(synthetic_elf(64, True, []))
    assert needed_libraries(path) == []


def test_system_program():
    ls = os.path.realpath(shutil.which('ls'))
    needed = needed_libraries(ls)
    assert needed == readelf_needed(ls)
    assert 'libc.so.6' in needed
    assert libpython_version(needed) is None


def test_system_libc(libc):
    assert needed_libraries(libc) == readelf_needed(libc)


def test_running_python():
    executable = os.path.realpath(sys.executable)
    assert needed_libraries(executable) == readelf_needed(executable)


@pytest.mark.parametrize('name,version', [
    ('libpython3.6m.so.1.0', '3.6'),
    ('libpython3.11.so.1.0', '3.11'),
    ('libpython3.13t.so.1.0', '3.13'),
    ('libpython2.7.so.1.0', '2.7'),
    ('libpython3.12.so', '3.12'),
    ('libpython3.so', None),
    ('libpythonista.so.1', None),
    ('libc.so.6', None),
])
def test_libpython_version(name, version):
    assert libpython_version(['libc.so.6', name]) == version


def test_libpython_version_takes_the_first():
    assert libpython_version(['libpython3.so', 'libpython3.6m.so.1.0', 'libpython3.11.so.1.0']) == '3.6'
    assert libpython_version([]) is None


def _write(tmp_path, name, data):
    path = str(tmp_path / name)
    with open(path, 'wb') as handle:
        handle.write(data)
    return path


@pytest.fixture(scope='module')
def real_bytes():
    with open(os.path.realpath(shutil.which('ls')), 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('name,make,message', [
    ('empty', lambda real: b'', 'the file is empty'),
    ('text', lambda real: b'LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so\n', 'not an ELF file'),
    ('random', lambda real: bytes(bytearray(random.Random(7).getrandbits(8) for dummy in range(4096))), 'not an ELF file'),
    ('short magic', lambda real: b'\x7fEL', 'not an ELF file'),
    ('ident only', lambda real: real[:10], 'ELF identification is incomplete'),
    ('truncated header', lambda real: real[:40], 'truncated: the ELF header'),
    ('truncated program headers', lambda real: real[:100], 'truncated: the program header'),
    ('bad class', lambda real: real[:4] + b'\x07' + real[5:], 'unknown ELF class 7'),
    ('bad data encoding', lambda real: real[:5] + b'\x09' + real[6:], 'unknown ELF data encoding 9'),
])
def test_broken_files(tmp_path, real_bytes, name, make, message):
    path = _write(tmp_path, 'broken', make(real_bytes))
    with pytest.raises(ElfError, match=re.escape(message)):
        needed_libraries(path)


def test_object_file_has_no_dynamic_section(tmp_path, gcc):
    source = _write(tmp_path, 'x.c', b'int x(void) { return 1; }\n')
    obj = str(tmp_path / 'x.o')
    gcc('-c', '-o', obj, source)
    with pytest.raises(ElfError, match='no dynamic section'):
        needed_libraries(obj)


def test_static_executable_has_no_dynamic_section(tmp_path, gcc):
    source = _write(tmp_path, 's.c', b'void _start(void) { for (;;) {} }\n')
    program = str(tmp_path / 's')
    gcc('-static', '-nostdlib', '-o', program, source)
    with pytest.raises(ElfError, match='statically linked'):
        needed_libraries(program)


def test_missing_file(tmp_path):
    with pytest.raises(ElfError, match='cannot read it: No such file or directory'):
        needed_libraries(str(tmp_path / 'absent.so'))


def test_directory(tmp_path):
    with pytest.raises(ElfError, match='cannot read it: Is a directory'):
        needed_libraries(str(tmp_path))


def test_string_table_outside_segments(tmp_path):
    data = bytearray(synthetic_elf(64, True, ['libpython3.6m.so.1.0']))
    # The first dynamic entry after the program headers is DT_NEEDED; the next is DT_STRTAB.
    strtab_entry = 64 + 2 * 56 + 16
    struct.pack_into('<qQ', data, strtab_entry, 5, 0x7fff0000)
    path = _write(tmp_path, 'bad-strtab.so', bytes(data))
    with pytest.raises(ElfError, match='is in no loadable segment'):
        needed_libraries(path)


def test_every_truncation_fails_cleanly(tmp_path):
    data = synthetic_elf(64, True, ['libpython3.11.so.1.0'])
    for length in range(len(data)):
        path = _write(tmp_path, 'cut', data[:length])
        with pytest.raises(ElfError):
            needed_libraries(path)


def test_corrupted_headers_never_raise_anything_else(tmp_path, build_mod_wsgi):
    # Random damage to the headers and dynamic section must give ElfError or some list,
    # never struct.error, IndexError, MemoryError or a hang.
    module = build_mod_wsgi(str(tmp_path), 'libpython3.6m.so.1.0', 'mod_wsgi.so')
    with open(module, 'rb') as handle:
        original = handle.read()
    rng = random.Random(1)
    for trial in range(300):
        data = bytearray(original)
        for flip in range(rng.randint(1, 8)):
            data[rng.randrange(4, min(len(data), 1024))] = rng.getrandbits(8)
        path = _write(tmp_path, 'damaged.so', bytes(data))
        try:
            assert isinstance(needed_libraries(path), list)
        except ElfError:
            pass
