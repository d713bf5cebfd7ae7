#!/usr/bin/env bash
# The seed walkthrough's steps (../shared/seed-blog-post.md, "Hello World" in
# daemon mode) as a plain shell script: the floor for a first install by any tool.
# bench/deploy.sh pipes it into a fresh container (`docker exec -i C bash -s`) and times it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq apache2 libapache2-mod-wsgi-py3 >/dev/null

mkdir -p /home/anna/code/myproject /var/www/mydomain
cat >/home/anna/code/myapp.wsgi <<'EOF'
def application(environ, start_response):
    status = '200 OK'
    output = b'Hello World!'

    response_headers = [('Content-type', 'text/plain'),
                        ('Content-Length', str(len(output)))]
    start_response(status, response_headers)

    return [output]
EOF
cat >/etc/apache2/sites-available/mydomain.conf <<'EOF'
<VirtualHost *:80>
    ServerAdmin webmaster@localhost
    ServerAlias www.mydomain
    DocumentRoot /var/www/mydomain

    WSGIScriptAlias /myapp /home/anna/code/myapp.wsgi
    WSGIDaemonProcess myproject  python-path=/home/anna/code/myproject processes=2 threads=15
    WSGIProcessGroup myproject

    <Directory /home/anna/code>
        Require all granted
    </Directory>

    ErrorLog ${APACHE_LOG_DIR}/error.log
    CustomLog ${APACHE_LOG_DIR}/access.log combined
</VirtualHost>
EOF
a2ensite -q mydomain

# The walkthrough says `systemctl reload apache2`; without systemd (Ubuntu 18.04 image)
# Apache is not running after the installation, so it is started instead.
if [ -d /run/systemd/system ]; then
    systemctl reload apache2
elif [ -f /var/run/apache2/apache2.pid ] && kill -0 "$(cat /var/run/apache2/apache2.pid)" 2>/dev/null; then
    apache2ctl graceful
else
    apache2ctl start
fi

# Done when it answers, as the role's health check demands. 000-default stays the first
# VirtualHost in the walkthrough, so the request names the site.
for _ in $(seq 50); do
    [ "$(curl -s -H 'Host: www.mydomain' http://127.0.0.1/myapp || true)" = "Hello World!" ] && exit 0
    sleep 0.2
done
echo "seed steps: /myapp does not answer Hello World!" >&2
exit 1
