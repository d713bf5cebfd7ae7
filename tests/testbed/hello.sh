#!/usr/bin/env bash
# The main job: deploy Hello World with playbooks/site.yml to a fresh local
# Ubuntu 18.04 container (no init system, like the official image) and print what
# Apache answers at /myapp, asked from inside the container.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

container=${MODWSGI_HELLO_CONTAINER:-modwsgi-hello}

"$TESTBED_DIR/docker-engine.sh"
mkdir -p "$CACHE_DIR"
bin=$("$TESTBED_DIR/venv.sh")
image=$("$TESTBED_DIR/target-image.sh" ubuntu:18.04 none)

docker rm -f "$container" >/dev/null 2>&1 || true
docker run -d --name "$container" --hostname web1 "$image" sleep infinity >/dev/null
log "container $container ($image) started"

inventory=$CACHE_DIR/hello-inventory.yml
cat >"$inventory" <<YAML
webservers:
  hosts:
    $container:
      ansible_connection: community.docker.docker
YAML

PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$(checkout_collections_path) ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg \
    ansible-playbook -i "$inventory" "$REPO_ROOT/playbooks/site.yml"

log "GET http://127.0.0.1/myapp from inside $container:"
docker exec "$container" curl -fsS http://127.0.0.1/myapp
echo
log "the container keeps running; remove it with: docker rm -f $container"
