"""healthguard's tenant settings: thresholds, detectors and limits."""

from __future__ import annotations

from guards.analyzers.schema import Setting, SettingsSchema

DETECTORS = ("encoding", "control", "invisible", "gibberish", "repetition", "truncation", "language", "size")

SETTINGS = SettingsSchema((
    # Mojibake, gibberish, repetition loops and cut-off sentences carry calibrated scores and
    # are decided by the thresholds fitted for their type (data/calibration.json).
    Setting("flag_threshold", "float", 0.5, min=0.0, max=1.0,
            help="Score at which the text is flagged, for findings without a calibrated score (control and "
                 "invisible characters, unclosed brackets and quotes, language, size)."),
    Setting("block_threshold", "float", 0.85, min=0.0, max=1.0,
            help="Score at which the text is blocked, for findings without a calibrated score."),
    Setting("calibrated_flag_threshold", "float", 0.0, min=0.0, max=1.0,
            help="Probability at which a calibrated finding (mojibake, gibberish, repetition, cut-off "
                 "sentence) flags; 0: each type's fitted cut."),
    Setting("calibrated_block_threshold", "float", 0.0, min=0.0, max=1.0,
            help="Probability at which a calibrated finding blocks; 0: each type's fitted cut."),
    Setting("detectors", "list", list(DETECTORS), choices=DETECTORS, item_type="str",
            help="Which integrity checks run."),
    Setting("max_chars", "int", 100_000, min=0, help="Most characters per field (0: no limit)."),
    Setting("max_bytes", "int", 0, min=0, help="Most UTF-8 bytes per field (0: no limit)."),
    Setting("max_lines", "int", 5_000, min=0, help="Most lines per field (0: no limit)."),
    Setting("max_line_chars", "int", 20_000, min=0,
            help="Longest line allowed; longer is an unbroken blob (0: no limit)."),
    Setting("allowed_languages", "list", [], item_type="str",
            help="ISO 639-1 codes the text may be in (empty: any language)."),
    Setting("language_min_confidence", "float", 0.9, min=0.0, max=1.0,
            help="Confidence needed before a language is held against allowed_languages."),
    Setting("gibberish_min_ratio", "float", 0.0, min=0.0, max=1.0,
            help="Share of letters in gibberish spans below which gibberish is not reported."),
    Setting("min_loop_repeats", "int", 3, min=2, max=50,
            help="Consecutive copies of a phrase that make a repetition loop (single words need 4+)."),
    Setting("backend_error_rate", "float", 0.05, min=0.0, max=1.0,
            help="Backend error rate reported as a problem."),
    Setting("backend_p95_ms", "float", 2000.0, min=0.0, help="Backend p95 latency reported as slow."),
    Setting("platform_affects_decision", "bool", False,
            help="Let backend problems raise the score (otherwise they are only reported)."),
))
