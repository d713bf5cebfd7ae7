"""After site.yml in check mode on a fresh host, nothing was installed or written."""


def test_nothing_was_installed_or_written(host):
    assert not host.package("apache2").is_installed
    assert not host.package("libapache2-mod-wsgi-py3").is_installed
    for path in ("/etc/apache2", "/srv/myproject", "/var/www/mydomain", "/etc/modwsgi-backends",
                 "/etc/systemd/system/modwsgi-backend@.service"):
        assert not host.file(path).exists, path
    assert not host.user("myproject").exists
    assert not host.group("myproject").exists
