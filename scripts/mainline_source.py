#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fetch the newest mainline Linux source that Debian ships, verified.

Debian's experimental and unstable suites carry linux-source-X.Y, a
tarball of mainline (release candidates included) with Debian's few
patches. This picks the newest one at or above bases.MAINLINE_FROM,
checks the suite's InRelease against debian-archive-keyring, the
Packages index against InRelease and the .deb against Packages, and
keeps the .deb in DIR so that a rerun downloads nothing.

  mainline_source.py DIR   print "version<TAB>package<TAB>path of the .deb"
"""

import functools
import hashlib
import lzma
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bases import MAINLINE_FROM  # noqa: E402

MIRROR = os.environ.get('DEBIAN_MIRROR', 'http://deb.debian.org/debian')
SUITES = ['experimental', 'sid']
KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'


def die(msg):
    sys.exit(f'error: {msg}')


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=600) as r:
            return r.read()
    except OSError as e:
        die(f'cannot download {url}: {e}')


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def verified_packages(suite):
    """The suite's binary-all Packages text, checked against signed InRelease."""
    inrelease = fetch(f'{MIRROR}/dists/{suite}/InRelease')
    proc = subprocess.run(['gpgv', '--keyring', KEYRING, '-'], input=inrelease,
                          capture_output=True)
    if proc.returncode:
        die(f'{suite}/InRelease: bad signature:\n{proc.stderr.decode()}')
    m = re.search(rb'^ ([0-9a-f]{64}) +\d+ main/binary-all/Packages\.xz$',
                  inrelease, re.M)
    if not m:
        die(f'{suite}/InRelease lists no main/binary-all/Packages.xz')
    packed = fetch(f'{MIRROR}/dists/{suite}/main/binary-all/Packages.xz')
    if sha256(packed) != m.group(1).decode():
        die(f'{suite} Packages.xz does not match its InRelease checksum')
    return lzma.decompress(packed).decode()


def sources(text):
    for stanza in text.split('\n\n'):
        fields = dict(re.findall(r'^([\w-]+): (.*)$', stanza, re.M))
        m = re.fullmatch(r'linux-source-(\d+)\.(\d+)', fields.get('Package', ''))
        if m and (int(m.group(1)), int(m.group(2))) >= MAINLINE_FROM:
            yield fields


def newer(a, b):
    """cmp() for Debian versions, by dpkg's rules."""
    if a == b:
        return 0
    gt = subprocess.run(['dpkg', '--compare-versions', a, 'gt', b]).returncode == 0
    return 1 if gt else -1


def main():
    if len(sys.argv) != 2:
        die(f'usage: {sys.argv[0]} DIR')
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    found = [f for suite in SUITES for f in sources(verified_packages(suite))]
    if not found:
        die(f'no linux-source of {MAINLINE_FROM[0]}.{MAINLINE_FROM[1]} or later '
            f'in Debian {" or ".join(SUITES)}')
    key = functools.cmp_to_key(lambda a, b: newer(a['Version'], b['Version']))
    best = max(found, key=key)
    deb = outdir / Path(best['Filename']).name
    if not deb.exists() or sha256(deb.read_bytes()) != best['SHA256']:
        data = fetch(f'{MIRROR}/{best["Filename"]}')
        if sha256(data) != best['SHA256']:
            die(f'{best["Filename"]} does not match its Packages checksum')
        tmp = deb.with_suffix('.part')
        tmp.write_bytes(data)
        tmp.rename(deb)
    print(f'{best["Version"]}\t{best["Package"]}\t{deb}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
