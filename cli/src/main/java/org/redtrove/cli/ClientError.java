package org.redtrove.cli;

/** What the user is told, in one line, before the command exits with status 1. */
final class ClientError extends RuntimeException {

    ClientError(String message) {
        super(message);
    }
}
