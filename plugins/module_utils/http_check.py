# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Requests a host's own applications until each answers as expected (modwsgi.deploy.http_check).
Standard library only, Python 3.6 and later: the module runs on every supported target."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import socket
import ssl
import time

try:
    from http.client import HTTPConnection, HTTPSConnection, HTTPException
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 controllers only import this for docs
    from httplib import HTTPConnection, HTTPSConnection, HTTPException
    from urlparse import urlsplit

# Enough of a page to find the text a check looks for; a larger body is cut, not refused.
BODY_LIMIT = 1024 * 1024


class CheckFailed(Exception):
    pass


def fetch(url, host, timeout):
    """(status, body text) of one GET of url, with Host: host when given; redirects are
    answers, not followed. Certificates are not verified: the request goes to the host's
    own server, whose certificate may be self-signed and made for another name."""
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValueError('%s is not an http or https URL' % url)
    if parts.scheme == 'https':
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context)
    else:
        connection = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or '/'
    if parts.query:
        path += '?' + parts.query
    headers = {'Host': host} if host else {}
    try:
        connection.request('GET', path, headers=headers)
        response = connection.getresponse()
        body = response.read(BODY_LIMIT)
        return response.status, body.decode('utf-8', 'replace')
    finally:
        connection.close()


def verdict(check, timeout):
    """None when the check's URL answers with its status and body, else what it answered."""
    try:
        status, body = fetch(check['url'], check.get('host'), timeout)
    except (HTTPException, socket.error, ssl.SSLError) as error:
        return 'no answer (%s)' % (error or type(error).__name__)
    if status != check['status']:
        return 'status %d, not %d' % (status, check['status'])
    if check.get('body') and not re.search(check['body'], body):
        return 'status %d, but the body does not match %r' % (status, check['body'])
    return None


def run_checks(checks, retries, delay, timeout, sleep=time.sleep):
    """Request every check until it passes, each at most retries + 1 times with delay seconds
    between rounds; returns one result per check, or raises CheckFailed naming the ones that
    never passed with their last answer."""
    attempts = dict((index, 0) for index in range(len(checks)))
    pending = list(range(len(checks)))
    last = {}
    for round_number in range(retries + 1):
        if round_number:
            sleep(delay)
        still_pending = []
        for index in pending:
            attempts[index] += 1
            last[index] = verdict(checks[index], timeout)
            if last[index] is not None:
                still_pending.append(index)
        pending = still_pending
        if not pending:
            break
    if pending:
        raise CheckFailed('; '.join(
            '%s (%s): %s after %d attempts'
            % (checks[index].get('name') or checks[index]['url'], checks[index]['url'], last[index], attempts[index])
            for index in pending))
    return [dict(name=check.get('name') or check['url'], url=check['url'], attempts=attempts[index])
            for index, check in enumerate(checks)]
