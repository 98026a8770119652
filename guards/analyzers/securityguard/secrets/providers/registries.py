"""Package and container registries: npm, PyPI, RubyGems, NuGet, Docker Hub, JFrog, crates.io...

npm tokens (2021 format) are ``npm_`` + 30 random base62 + a 6-character base62 CRC32,
the same scheme as GitHub's; PyPI API tokens are ``pypi-`` + a base64url macaroon
issued by pypi.org (``AgEIcHlwaS5vcmc`` decodes to its header); RubyGems
``rubygems_`` + 48 hex; NuGet ``oy2`` + 43 lower-case base32-like characters; Docker
Hub personal / organisation tokens ``dckr_pat_`` / ``dckr_oat_``; JFrog API keys
``AKCp`` + 69 and reference tokens ``cmVmdGtu`` (base64 of ``reftkn:<version>:<expiry>:<random>``, checked); crates.io ``cio`` + 32.
Dependency-Track ``odt_``; Ionic ``ion_``.
"""

from __future__ import annotations

import re

from guards.analyzers.securityguard.secrets.checks import (
    crc32_base62_ok,
    jfrog_reference_token_ok,
    pypi_macaroon_ok,
)
from guards.analyzers.securityguard.secrets.rules import Rule, anchored, prefixed

RULES = (
    prefixed("NPM_TOKEN", "npm access token", "package_registry", r"npm_[A-Za-z0-9]{36}", "npm_",
             validator=crc32_base62_ok, exact=True),
    # .npmrc: //<registry host>[/path]/:_authToken=<token>; without a host the line is malformed
    Rule("NPM_TOKEN", "npm access token in .npmrc", "package_registry", re.compile(
        r"//([^\s/]{0,200})(?:/[^\s:]{0,200})?/:_authToken=\s*((?:npm_[A-Za-z0-9]{36})|(?:[A-Fa-f0-9\-]{36}))"),
        ("_authToken=",), group=2, validator=lambda value: True, strict=True, match_check=lambda m: bool(m.group(1))),
    prefixed("PYPI_TOKEN", "PyPI API token", "package_registry",
             r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,300}", "pypi-",
             validator=pypi_macaroon_ok, exact=True),
    prefixed("RUBYGEMS_TOKEN", "RubyGems API key", "package_registry", r"rubygems_[a-f0-9]{48}", "rubygems_"),
    prefixed("NUGET_API_KEY", "NuGet API key", "package_registry", r"oy2[a-z0-9]{43}", "oy2"),
    prefixed("DOCKER_HUB_TOKEN", "Docker Hub access token", "package_registry", r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,36}",
             "dckr_pat_", "dckr_oat_"),
    prefixed("JFROG_TOKEN", "JFrog Artifactory API key", "package_registry", r"AKCp[A-Za-z0-9]{69}", "AKCp"),
    # base64 of "reftkn:<version>:<10-digit expiry>:<random>", 64 characters
    prefixed("JFROG_TOKEN", "JFrog reference token", "package_registry", r"cmVmdGtu[A-Za-z0-9+/]{56}", "cmVmdGtu",
             validator=jfrog_reference_token_ok, strict=True, exact=True, prefixes=("cmVmdGtu",)),
    # Shorter JFrog API key and encrypted-password shapes, accepted only as a whole
    # value (after '=', ':', a quote or a space) because the prefixes are short.
    Rule("JFROG_TOKEN", "JFrog Artifactory credential", "package_registry",
         re.compile(r"(?:(?<=[\s=:\"'])|^)(AKC[a-zA-Z0-9]{10,100}|AP[\dA-F][a-zA-Z0-9]{8,100})(?=[\s\"']|$)",
                    re.MULTILINE), ("AKC", "AP"), group=1, severity="medium"),
    prefixed("CRATES_IO_TOKEN", "crates.io API token", "package_registry", r"cio[a-zA-Z0-9]{32}", "cio",
             severity="high"),
    prefixed("CLOJARS_TOKEN", "Clojars deploy token", "package_registry", r"CLOJARS_[a-f0-9]{60}", "CLOJARS_"),
    prefixed("TERRAFORM_CLOUD_TOKEN", "Terraform Cloud / HCP API token", "package_registry",
             r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70}", "atlasv1"),
    prefixed("PULUMI_TOKEN", "Pulumi access token", "package_registry", r"pul-[a-f0-9]{40}", "pul-"),
    # OWASP Dependency-Track API keys: odt_ + 32 (v4.10+: odt_<8>_<32>)
    prefixed("DEPENDENCY_TRACK_KEY", "Dependency-Track API key", "package_registry", r"odt_(?:[A-Za-z0-9]{8}_)?[A-Za-z0-9]{32}",
             "odt_", severity="high"),
    # Ionic Appflow personal access tokens: ion_ + 42
    prefixed("IONIC_TOKEN", "Ionic personal access token", "package_registry", r"ion_[A-Za-z0-9]{42}", "ion_"),
)

ANCHORED = (
    anchored("DOCKER_HUB_TOKEN", "Docker registry password", "package_registry", "docker registry",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    anchored("SONATYPE_TOKEN", "Sonatype / Maven Central token", "package_registry", "sonatype ossrh nexus",
             r"[A-Za-z0-9+/=]{20,64}"),
    anchored("ANACONDA_TOKEN", "Anaconda token", "package_registry", "anaconda conda", r"[a-z]{2}-[a-f0-9]{8}-[a-f0-9]{4}"
             r"-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
    anchored("CLOUDSMITH_KEY", "Cloudsmith API key", "package_registry", "cloudsmith", r"[a-f0-9]{40}"),
    anchored("GEMFURY_TOKEN", "Gemfury token", "package_registry", "gemfury fury", r"[A-Za-z0-9_\-]{20}"),
    anchored("QUAY_TOKEN", "Quay.io robot or OAuth token", "package_registry", "quay", r"[A-Z0-9]{64}|[A-Za-z0-9]{40}"),
    anchored("HEX_API_KEY", "Hex.pm API key", "package_registry", "hexpm", r"[a-f0-9]{32}"),
    anchored("CHOCOLATEY_KEY", "Chocolatey API key", "package_registry", "chocolatey choco",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    anchored("PACKAGECLOUD_TOKEN", "packagecloud API token", "package_registry", "packagecloud", r"[a-f0-9]{48}"),
)
