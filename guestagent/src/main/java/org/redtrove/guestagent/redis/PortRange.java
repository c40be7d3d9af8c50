package org.redtrove.guestagent.redis;

/** The inclusive range of TCP ports the agent may give to its Redis instances, e.g. "17000-17999". */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    public static PortRange parse(String text) {
        String[] parts = text.trim().split("\\s*-\\s*");
        if (parts.length != 2) {
            throw new IllegalArgumentException("port range must look like 17000-17999, got '" + text + "'");
        }
        return new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }
}
