package org.redtrove.api.web;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Trove's time format in views ("2024-05-01T10:00:00", UTC, no zone suffix). */
public final class Times {

    private static final DateTimeFormatter TROVE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Times() {
    }

    public static String format(OffsetDateTime time) {
        return time == null ? null : TROVE.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
