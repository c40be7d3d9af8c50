package org.redtrove.api.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rule for text a client sends, wherever it arrives (path, query, JSON body): it must decode to
 * valid Unicode without NUL. PostgreSQL cannot store a NUL in text and refuses it with an error,
 * and a lone surrogate or a broken percent-escape has no text to store at all; refused at the door,
 * they are the client's 400 instead of a failed query.
 */
public final class RequestText {

    /** The one message for every place the rule is broken. */
    public static final String INVALID = "The request contains a NUL character, a malformed percent-escape "
            + "or text that is not valid UTF-8.";

    private RequestText() {
    }

    /** True when the decoded string holds no NUL and no unpaired surrogate. */
    public static boolean isClean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when a raw (still percent-encoded) path or query decodes cleanly: every '%' starts a
     * two-digit hex escape, the bytes are valid UTF-8, and the result is {@link #isClean clean}.
     */
    public static boolean isCleanEncoded(String raw) {
        if (raw == null) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return false;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7f) {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            } else {
                bytes.write(c);
            }
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            return isClean(decoded);
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
