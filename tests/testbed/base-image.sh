#!/usr/bin/env bash
# Usage: base-image.sh IMAGE   (ubuntu:18.04 | 20.04 | 22.04 | 24.04, debian:11 | 12 | 13)
#
# Provides IMAGE the way the official one would be: the local image if present, else a
# pull, else a debootstrap build. The build verifies the archive's signatures with
# pinned keys, applies the release's updates and security pockets (so e.g. 18.04 gets
# Python 3.6.9 like the official image) and imports the result under IMAGE.
# No mirror is named here: debootstrap's own default is used and the extra apt lines
# are derived from the sources.list it writes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

image=${1:?usage: base-image.sh IMAGE}

case $image in
    # Ubuntu signs its archive with the 2012 key up to 18.04, with the 2018 key from 20.04.
    ubuntu:18.04) distro=ubuntu suite=bionic   archive_key=790BC7277767219C42C86F933B4FE6ACC0B21F32 ;;
    ubuntu:20.04) distro=ubuntu suite=focal    archive_key=F6ECB3762474EDA9D21B7022871920D1991BC93C ;;
    ubuntu:22.04) distro=ubuntu suite=jammy    archive_key=F6ECB3762474EDA9D21B7022871920D1991BC93C ;;
    ubuntu:24.04) distro=ubuntu suite=noble    archive_key=F6ECB3762474EDA9D21B7022871920D1991BC93C ;;
    # Debian's keys come from the host's debian-archive-keyring.
    debian:11)    distro=debian suite=bullseye archive_key= ;;
    debian:12)    distro=debian suite=bookworm archive_key= ;;
    debian:13)    distro=debian suite=trixie   archive_key= ;;
    *) die "no recipe for base image '$image' (known: ubuntu:18.04 ubuntu:20.04 ubuntu:22.04 ubuntu:24.04 debian:11 debian:12 debian:13)" ;;
esac

if docker image inspect "$image" >/dev/null 2>&1; then
    log "$image: present locally"
    exit 0
fi
if timeout 90 docker pull -q "$image" >/dev/null 2>&1; then
    log "$image: pulled"
    exit 0
fi
log "$image: no registry answers; building it with debootstrap ($suite)"

command -v debootstrap >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
arch=$(dpkg --print-architecture)
work=$(mktemp -d "${TMPDIR:-/tmp}/modwsgi-base.XXXXXX")
trap 'as_root rm -rf "$work"' EXIT

# Releases newer than the host's debootstrap use the script every Ubuntu release
# shares (gutsy); then the mirror must be passed explicitly, so it is read from there.
script=/usr/share/debootstrap/scripts/$suite
[ -e "$script" ] || script=/usr/share/debootstrap/scripts/$([ "$distro" = ubuntu ] && echo gutsy || echo sid)

# The mirror debootstrap would pick for this suite, read from its own script: its
# "case $ARCH in" block, run with each "default_mirror URL" turned into "echo URL".
debootstrap_default_mirror() {
    (
        export ARCH=$arch SUITE=$suite
        eval "$(awk '/^case \$ARCH in/ {f=1} f {sub(/default_mirror /, "echo "); print} f && /^esac/ {exit}' "$script")"
    )
}

# Debian's host keyring package covers Debian. For Ubuntu there is no keyring package
# on a Debian host, so the release's own ubuntu-keyring is fetched and only the pinned
# key is taken from it: the fingerprint, not the download, is what we trust.
pinned_ubuntu_keyring() {
    local mirror packages deb gnupg=$work/gnupg
    mirror=$(debootstrap_default_mirror)
    [ -n "$mirror" ] || die "could not read debootstrap's default mirror for $suite"
    packages=$(curl -fsSL "$mirror/dists/$suite/main/binary-$arch/Packages.gz" | gzip -dc)
    deb=$(awk '/^Package: ubuntu-keyring$/ {f=1} f && /^Filename:/ {print $2; exit}' <<<"$packages")
    [ -n "$deb" ] || die "ubuntu-keyring not found in $suite's package index"
    curl -fsSL -o "$work/keyring.deb" "$mirror/$deb"
    dpkg-deb -x "$work/keyring.deb" "$work/keyring"
    mkdir -m 700 "$gnupg"
    local src
    for src in "$work"/keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg "$work"/keyring/etc/apt/trusted.gpg.d/*.gpg; do
        [ -f "$src" ] && gpg --homedir "$gnupg" --batch --quiet --import "$src" 2>/dev/null
    done
    gpg --homedir "$gnupg" --batch --export "$archive_key" >"$work/archive.gpg"
    gpg --homedir "$gnupg" --batch --with-colons --show-keys "$work/archive.gpg" 2>/dev/null |
        awk -F: '$1 == "fpr" {print $10; exit}' | grep -qx "$archive_key" ||
        die "pinned archive key $archive_key is not in $suite's ubuntu-keyring"
    echo "$work/archive.gpg"
}

case $distro in
    ubuntu) keyring=$(pinned_ubuntu_keyring) ;;
    debian) keyring=/usr/share/keyrings/debian-archive-keyring.gpg
            [ -r "$keyring" ] || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-archive-keyring >/dev/null ;;
esac

rootfs=$work/rootfs
log "$image: debootstrap --variant=minbase $suite (a few minutes)"
suite_args=("$suite" "$rootfs")
[ -e "/usr/share/debootstrap/scripts/$suite" ] || suite_args+=("$(debootstrap_default_mirror)" "$script")
as_root debootstrap --variant=minbase --keyring="$keyring" "${suite_args[@]}" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; die "debootstrap $suite failed"; }
as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

stage=modwsgi-testbed/debootstrap:$suite
as_root tar -C "$rootfs" --numeric-owner -c . | docker import --change 'CMD ["/bin/bash"]' - "$stage" >/dev/null
log "$image: applying $suite's updates and security pockets"
docker build -q --build-arg "BASE=$stage" --build-arg "DISTRO=$distro" \
    -t "$image" -f "$TESTBED_DIR/images/base.Dockerfile" "$TESTBED_DIR/images" >"$work/build.log" 2>&1 ||
    { tail -20 "$work/build.log" >&2; die "updating $image failed"; }
docker rmi "$stage" >/dev/null
log "$image: built ($(docker run --rm "$image" sh -c '. /etc/os-release; echo "$PRETTY_NAME"'))"
