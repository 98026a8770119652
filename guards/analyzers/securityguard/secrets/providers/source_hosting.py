"""Source hosting and CI: GitHub, GitLab, Bitbucket / Atlassian, CircleCI, Buildkite.

GitHub's token format (2021): a type prefix (``ghp_`` personal, ``gho_`` OAuth, ``ghu_``
user-to-server, ``ghs_`` server-to-server, ``ghr_`` refresh), 30 random base62
characters and a 6-character base62 CRC32 of them; fine-grained tokens are
``github_pat_`` + 22 + ``_`` + 59. GitLab prefixes each token type (``glpat-`` personal,
``gldt-`` deploy, ``glrt-`` runner, ``glcbt-`` CI job, ``glptt-`` trigger, ``gloas-``
OAuth application secret, ...); a personal token is ``glpat-`` + 20 characters, or a routable
one ``glpat-<payload>.<2-char version>.<9-char base36 CRC>``, nothing else. Atlassian API tokens start ``ATATT`` and Bitbucket app
passwords ``ATBB``; Data Center personal access tokens are base64 of ``<12-digit id>:<20 bytes>``
(44 characters; Bitbucket Server's with ``BBDC-`` before them). YouTrack permanent tokens are ``perm:`` + base64 login + ``.`` + base64
name + ``.`` + 30 random characters; Jenkins API tokens ``11`` + 32 hex.
CircleCI project tokens ``CCIPRJ_``; TeamCity tokens open with base64 of ``{"typ": "TCV2"}``; Chromatic
``chpt_``.
"""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.checks import (
    atlassian_dc_head,
    atlassian_dc_pat_ok,
    crc32_base62_ok,
)
from guards.analyzers.securityguard.secrets.rules import anchored, prefixed

_GL = r"[A-Za-z0-9_\-]"
# base64 of three ASCII digits opens with one of these two characters ("0" to "9" are 0x30 to 0x39)
_DC_HEADS = tuple(a + b for a in "MNO" for b in "DTjz")

RULES = (
    prefixed("GITHUB_TOKEN", "GitHub token", "source_hosting", r"gh[pousr]_[A-Za-z0-9]{36}",
             "ghp_", "gho_", "ghu_", "ghs_", "ghr_", validator=crc32_base62_ok, exact=True),
    prefixed("GITHUB_TOKEN", "GitHub fine-grained personal access token", "source_hosting",
             r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", "github_pat_", exact=True),
    prefixed("GITLAB_TOKEN", "GitLab personal access token", "source_hosting",
             rf"glpat-(?:{_GL}{{20,30}}|{_GL}{{27,300}}\.[0-9a-z]{{2}}\.[0-9a-z]{{9}})", "glpat-", exact=True),
    prefixed("GITLAB_TOKEN", "GitLab token", "source_hosting",
             rf"(?:gldt|glrt|glsoat|glft|glffct|glcbt)-{_GL}{{20,80}}", "gldt-", "glrt-", "glsoat-", "glft-",
             "glffct-", "glcbt-"),
    prefixed("GITLAB_TOKEN", "GitLab OAuth application secret", "source_hosting", r"gloas-[a-f0-9]{64}", "gloas-",
             exact=True),
    prefixed("GITLAB_TOKEN", "GitLab pipeline trigger token", "source_hosting", rf"glptt-{_GL}{{40}}", "glptt-"),
    prefixed("GITLAB_TOKEN", "GitLab incoming mail token", "source_hosting", rf"glimt-{_GL}{{25}}", "glimt-"),
    prefixed("GITLAB_TOKEN", "GitLab agent token", "source_hosting", rf"glagent-{_GL}{{50,1024}}", "glagent-"),
    prefixed("GITLAB_TOKEN", "GitLab runner registration token", "source_hosting", rf"GR1348941{_GL}{{20,50}}",
             "GR1348941"),
    prefixed("ATLASSIAN_API_TOKEN", "Atlassian API token", "source_hosting",
             r"ATATT[A-Za-z0-9_\-=]{150,300}", "ATATT"),
    prefixed("ATLASSIAN_API_TOKEN", "Atlassian API token", "source_hosting",
             r"ATCTT[A-Za-z0-9_\-=]{150,300}", "ATCTT"),
    # Data Center (Jira, Confluence, Bitbucket Server) personal access tokens: base64 of a 12-digit id,
    # ":" and 20 random bytes, 44 characters (Bitbucket's own prefixed BBDC-); a value with that head
    # and another length is a truncated or padded token, claimed and not reported
    prefixed("ATLASSIAN_DC_PAT", "Atlassian Data Center personal access token", "source_hosting",
             r"(?:BBDC-)?[MNO][DTjz][A-Za-z0-9+/]{18,70}={0,2}", *_DC_HEADS, applies=atlassian_dc_head,
             validator=atlassian_dc_pat_ok,
             strict=True, prefixes=("BBDC-",), exact=True),
    prefixed("BITBUCKET_APP_PASSWORD", "Bitbucket app password", "source_hosting", r"ATBB[A-Za-z0-9_\-=]{28,40}",
             "ATBB"),
    prefixed("CIRCLECI_TOKEN", "CircleCI personal or project API token", "source_hosting",
             r"CCIP(?:AT|RJ)_[A-Za-z0-9_]{20,24}_[a-f0-9]{40}", "CCIPAT_", "CCIPRJ_"),
    # TeamCity access tokens: base64url of {"typ": "TCV2"}, then two base64url parts (not a JWT: no JSON payload)
    prefixed("TEAMCITY_TOKEN", "TeamCity access token", "source_hosting",
             r"eyJ0eXAiOiAiVENWMiJ9\.[A-Za-z0-9_\-]{20,100}\.[A-Za-z0-9_\-]{20,100}", "eyJ0eXAiOiAiVENWMiJ9"),
    prefixed("BUILDKITE_TOKEN", "Buildkite API token", "source_hosting", r"bkua_[a-z0-9]{40}", "bkua_",
             exact=True),
    prefixed("SOURCEGRAPH_TOKEN", "Sourcegraph access token", "source_hosting",
             r"sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}", "sgp_"),
    prefixed("YOUTRACK_TOKEN", "YouTrack / JetBrains Hub permanent token", "source_hosting",
             r"perm:[A-Za-z0-9+/]{2,80}={0,2}\.[A-Za-z0-9+/]{2,40}={0,2}\.[A-Za-z0-9]{30}", "perm:"),
    prefixed("SONARQUBE_TOKEN", "SonarQube token", "source_hosting", r"sq[pua]_[a-f0-9]{40}", "sqp_", "squ_", "sqa_"),
    # Chromatic project tokens: chpt_ + hex
    prefixed("CHROMATIC_TOKEN", "Chromatic project token", "source_hosting", r"chpt_[a-f0-9]{14,40}", "chpt_",
             severity="high"),
)

ANCHORED = (
    # before GitHub's: "git" + "token" (GITEA_TOKEN) would otherwise read as a legacy GitHub token
    anchored("GITEA_TOKEN", "Gitea / Forgejo access token", "source_hosting", "gitea forgejo codeberg", r"[a-f0-9]{40}"),
    anchored("GITHUB_TOKEN", "GitHub token (legacy 40-hex format)", "source_hosting", "github gh_ git_token",
             r"[a-f0-9]{40}"),
    anchored("GITHUB_OAUTH_SECRET", "GitHub OAuth app client secret", "source_hosting", "github", r"[a-f0-9]{40}",
             words="secret"),
    anchored("BITBUCKET_APP_PASSWORD", "Bitbucket app password", "source_hosting", "bitbucket",
             r"[A-Za-z0-9]{18,20}|[A-Za-z0-9_\-]{32}"),
    anchored("ATLASSIAN_API_TOKEN", "Atlassian API token (legacy format)", "source_hosting",
             "atlassian jira confluence", r"[A-Za-z0-9]{24}"),
    anchored("CIRCLECI_TOKEN", "CircleCI API token", "source_hosting", "circleci circle", r"[a-f0-9]{40}"),
    anchored("JENKINS_API_TOKEN", "Jenkins API token", "source_hosting", "jenkins", r"11[a-f0-9]{32}"),
    anchored("CODECOV_TOKEN", "Codecov upload token", "source_hosting", "codecov",
             r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    anchored("TRAVIS_TOKEN", "Travis CI token", "source_hosting", "travis", r"[A-Za-z0-9_\-]{22}"),
    anchored("SONAR_TOKEN", "SonarCloud / SonarQube token (legacy)", "source_hosting", "sonar sonarcloud sonarqube",
             r"[a-f0-9]{40}"),
    anchored("DRONE_TOKEN", "Drone CI token", "source_hosting", "drone", r"[A-Za-z0-9]{32}"),
    anchored("COVERALLS_TOKEN", "Coveralls repository token", "source_hosting", "coveralls", r"[A-Za-z0-9]{32,40}"),
    anchored("BITRISE_TOKEN", "Bitrise personal access token", "source_hosting", "bitrise", r"[A-Za-z0-9_\-]{80,90}"),
    anchored("APPVEYOR_TOKEN", "AppVeyor API token", "source_hosting", "appveyor", r"(?:v2\.)?[A-Za-z0-9]{20}"),
)
