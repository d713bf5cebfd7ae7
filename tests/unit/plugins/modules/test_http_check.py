# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""http_check run as a program, the way Ansible runs it, against real HTTP and HTTPS servers on
this machine's loopback address: what wsgi_app's health check (health_check.yml) waits for."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import socket
import ssl
import subprocess
import threading

try:
    from http.server import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # pragma: no cover
    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer

import pytest


class Handler(BaseHTTPRequestHandler):
    """/ok answers Hello World, /redirect a 302, /host the Host header it got, /late a 503
    until its third request, anything else a 404."""
    late_requests = 0

    def do_GET(self):
        if self.path == '/late':
            Handler.late_requests += 1
            self.answer(200 if Handler.late_requests >= 3 else 503, b'ready')
        elif self.path == '/redirect':
            self.send_response(302)
            self.send_header('Location', '/ok')
            self.send_header('Content-Length', '0')
            self.end_headers()
        elif self.path == '/host':
            self.answer(200, self.headers.get('Host', '').encode('utf-8'))
        elif self.path == '/ok':
            self.answer(200, b'Hello World!')
        else:
            self.answer(404, b'not here')

    def answer(self, status, body):
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(tls_files=None):
    server = HTTPServer(('127.0.0.1', 0), Handler)
    if tls_files:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls_files)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()
    return server


@pytest.fixture
def http_server():
    Handler.late_requests = 0
    server = serve()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def run_module(run_plugin_module):
    def run(args, ok=True):
        rc, result = run_plugin_module('http_check', dict({'delay': 0.05}, **args))
        assert (rc == 0) == ok, result
        assert result.get('changed') is False or not ok
        return result
    return run


def test_every_check_passes_in_one_call(run_module, http_server):
    result = run_module({'checks': [
        {'name': 'hello', 'url': http_server + '/ok', 'body': r'Hello \w+'},
        {'url': http_server + '/missing', 'status': 404},
        # A redirect is an answer, not followed.
        {'url': http_server + '/redirect', 'status': 302},
    ]})
    assert result['checks'] == [
        {'name': 'hello', 'url': http_server + '/ok', 'attempts': 1},
        {'name': http_server + '/missing', 'url': http_server + '/missing', 'attempts': 1},
        {'name': http_server + '/redirect', 'url': http_server + '/redirect', 'attempts': 1},
    ]


def test_the_host_header_names_the_virtual_host(run_module, http_server):
    run_module({'checks': [{'url': http_server + '/host', 'host': 'shop.example.com', 'body': '^shop.example.com$'}]})
    failed = run_module({'checks': [{'url': http_server + '/host', 'host': 'api.example.com',
                                     'body': '^shop'}], 'retries': 0}, ok=False)
    assert "the body does not match '^shop'" in failed['msg']


def test_a_check_is_asked_again_until_it_passes(run_module, http_server):
    result = run_module({'checks': [{'url': http_server + '/late'}, {'url': http_server + '/ok'}], 'retries': 5})
    assert [check['attempts'] for check in result['checks']] == [3, 1]


def test_a_check_that_never_passes_fails_with_its_last_answer(run_module, http_server):
    result = run_module({'checks': [{'name': 'app', 'url': http_server + '/missing'}], 'retries': 2}, ok=False)
    assert result['msg'] == 'no expected answer: app (%s/missing): status 404, not 200 after 3 attempts' % http_server


def test_a_closed_port_is_no_answer(run_module):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    result = run_module({'checks': [{'url': 'http://127.0.0.1:%d/' % port}], 'retries': 1}, ok=False)
    assert 'no answer (' in result['msg'] and 'after 2 attempts' in result['msg']


def test_https_with_a_self_signed_certificate_for_another_name(run_module, tmp_path):
    key, cert = str(tmp_path / 'key.pem'), str(tmp_path / 'cert.pem')
    subprocess.check_call(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj',
                           '/CN=www.example.com', '-keyout', key, '-out', cert],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = serve((cert, key))
    try:
        run_module({'checks': [{'url': 'https://127.0.0.1:%d/ok' % server.server_address[1], 'body': 'Hello'}]})
    finally:
        server.shutdown()
        server.server_close()


def test_bad_input_is_refused_before_any_request(run_module):
    result = run_module({'checks': [{'url': 'ftp://127.0.0.1/', 'status': 42, 'body': '('}], 'retries': -1,
                         'timeout': 0}, ok=False)
    for part in ("url must be an http or https URL (got 'ftp://127.0.0.1/')", 'status must be an HTTP status',
                 'body is not a regular expression', 'retries must be at least 0', 'timeout must be positive'):
        assert part in result['msg']
