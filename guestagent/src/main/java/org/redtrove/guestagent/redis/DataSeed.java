package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The data a new instance starts with, written into its directory before redis-server first
 * starts (a restore); it must be complete and checked when it returns.
 */
@FunctionalInterface
public interface DataSeed {

    /** An empty instance. */
    DataSeed NONE = dir -> {
    };

    void writeInto(Path instanceDir) throws IOException;
}
