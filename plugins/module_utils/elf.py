# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the shared libraries an ELF file depends on (its DT_NEEDED entries).

Pure Python on purpose: target hosts need not have binutils, and nothing is executed.
The dynamic section is found through the program headers, the way the dynamic loader
finds it, so files with stripped section headers are read as well.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import struct

_MAGIC = b'\x7fELF'
_IDENT_SIZE = 16
_ELFCLASS32, _ELFCLASS64 = 1, 2
_ELFDATA2LSB, _ELFDATA2MSB = 1, 2
_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_NEEDED, _DT_STRTAB, _DT_STRSZ = 0, 1, 5, 10

# Field order differs between the classes: ELF64 moved p_flags next to p_type for alignment.
_LAYOUTS = {
    _ELFCLASS32: {
        'header': 'HHIIIIIHHHHHH',
        'phdr': 'IIIIIIII',
        'phdr_fields': ('type', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz', 'flags', 'align'),
        'dyn': 'iI',
    },
    _ELFCLASS64: {
        'header': 'HHIQQQIHHHHHH',
        'phdr': 'IIQQQQQQ',
        'phdr_fields': ('type', 'flags', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz', 'align'),
        'dyn': 'qQ',
    },
}

_LIBPYTHON = re.compile(r'^libpython(\d+)\.(\d+)[a-z]*\.so(?:\.|$)')


class ElfError(Exception):
    """The file is not an ELF file whose dependencies can be read; the text says why."""


class _ElfFile(object):
    def __init__(self, handle, size):
        self._handle = handle
        self._size = size

    def read(self, offset, length, what):
        # Bounds are checked against the file size first so that garbage offsets never
        # turn into huge reads.
        if offset < 0 or length < 0 or offset + length > self._size:
            raise ElfError('truncated: the %s lies outside the file' % what)
        self._handle.seek(offset)
        return self._handle.read(length)

    def needed(self):
        if self._size == 0:
            raise ElfError('the file is empty')
        ident = self._handle.read(_IDENT_SIZE)
        if not ident.startswith(_MAGIC):
            raise ElfError('not an ELF file (no ELF magic number at its start)')
        if len(ident) < _IDENT_SIZE:
            raise ElfError('truncated: the ELF identification is incomplete')
        elf_class, encoding = bytearray(ident[4:6])
        if elf_class not in _LAYOUTS:
            raise ElfError('unknown ELF class %d' % elf_class)
        if encoding not in (_ELFDATA2LSB, _ELFDATA2MSB):
            raise ElfError('unknown ELF data encoding %d' % encoding)
        layout = _LAYOUTS[elf_class]
        order = '<' if encoding == _ELFDATA2LSB else '>'

        header_format = order + layout['header']
        header = struct.unpack(header_format, self.read(_IDENT_SIZE, struct.calcsize(header_format), 'ELF header'))
        phoff, phentsize, phnum = header[4], header[8], header[9]

        dynamic, loads = self._segments(order, layout, phoff, phentsize, phnum)
        if dynamic is None:
            raise ElfError('it has no dynamic section, so it is statically linked or not a linked library at all')
        return self._dynamic_names(order, layout, dynamic, loads)

    def _segments(self, order, layout, phoff, phentsize, phnum):
        phdr_format = order + layout['phdr']
        phdr_size = struct.calcsize(phdr_format)
        if phnum and phentsize < phdr_size:
            raise ElfError('program header entries are %d bytes, expected at least %d' % (phentsize, phdr_size))
        dynamic = None
        loads = []
        for index in range(phnum):
            raw = self.read(phoff + index * phentsize, phdr_size, 'program header %d' % index)
            segment = dict(zip(layout['phdr_fields'], struct.unpack(phdr_format, raw)))
            if segment['type'] == _PT_LOAD:
                loads.append(segment)
            elif segment['type'] == _PT_DYNAMIC and dynamic is None:
                dynamic = segment
        return dynamic, loads

    def _dynamic_names(self, order, layout, dynamic, loads):
        dyn_format = order + layout['dyn']
        dyn_size = struct.calcsize(dyn_format)
        table = self.read(dynamic['offset'], dynamic['filesz'], 'dynamic section')
        name_offsets = []
        strtab = strsz = None
        for start in range(0, len(table) - dyn_size + 1, dyn_size):
            tag, value = struct.unpack(dyn_format, table[start:start + dyn_size])
            if tag == _DT_NULL:
                break
            if tag == _DT_NEEDED:
                name_offsets.append(value)
            elif tag == _DT_STRTAB:
                strtab = value
            elif tag == _DT_STRSZ:
                strsz = value
        if not name_offsets:
            return []
        if strtab is None or strsz is None:
            raise ElfError('the dynamic section has DT_NEEDED entries but no string table')
        strings = self.read(self._file_offset(strtab, loads), strsz, 'dynamic string table')
        return [self._string(strings, offset) for offset in name_offsets]

    @staticmethod
    def _file_offset(address, loads):
        # DT_STRTAB holds a virtual address; the loadable segment containing it maps it
        # back to a position in the file.
        for segment in loads:
            if segment['vaddr'] <= address < segment['vaddr'] + segment['filesz']:
                return address - segment['vaddr'] + segment['offset']
        raise ElfError('the dynamic string table address 0x%x is in no loadable segment' % address)

    @staticmethod
    def _string(strings, offset):
        end = strings.find(b'\0', offset)
        if offset >= len(strings) or end < 0:
            raise ElfError('a DT_NEEDED name lies outside the dynamic string table')
        return strings[offset:end].decode('utf-8', 'replace')


def needed_libraries(path):
    """Return the DT_NEEDED entries (library sonames) of the ELF file at path, in file order.

    Raises ElfError when the file cannot be read or is not a dynamically linked ELF file.
    """
    try:
        with open(path, 'rb') as handle:
            return _ElfFile(handle, os.fstat(handle.fileno()).st_size).needed()
    except (IOError, OSError) as exc:
        raise ElfError('cannot read it: %s' % (exc.strerror or exc))


def libpython_version(needed):
    """Return 'X.Y' from the first libpythonX.Y / libpythonX.Ym-style name in needed, else None."""
    for name in needed:
        match = _LIBPYTHON.match(name)
        if match:
            return '%s.%s' % match.groups()
    return None
