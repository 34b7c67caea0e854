package org.opencloud.discovery.propagation.catalogue;

/** Search text as a MongoDB regular expression that matches it literally, whatever characters it has. */
final class RegexText {
    private RegexText() {
    }

    /**
     * Every character but letters and digits escaped with a backslash (a literal in PCRE and in Java's patterns,
     * which mongo-java-server uses), so that {@code a.b*} finds "a.b*" and nothing else.
     */
    static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() * 2);
        text.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c)) {
                out.append('\\');
            }
            out.appendCodePoint(c);
        });
        return out.toString();
    }
}
