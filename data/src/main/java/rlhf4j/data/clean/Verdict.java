package rlhf4j.data.clean;

/** Why a document was cut: the rule and what was measured, e.g. {@code "12 words < 50"}. */
public record Verdict(Rule rule, String detail) {}
