package org.redtrove.guestagent.tasks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;
import org.redtrove.common.ReplicationTaskReport.Position;

/**
 * A task's transaction log: the units that passed its filters, on disk before the reader's
 * position moves past them, until the target has applied them. One append-only file of
 * length-prefixed, checksummed units, emptied whenever everything in it was applied. What cannot
 * be read on open (a unit torn by a crash while appending, or damage) is cut off and said so: the
 * task then reads the source again from the last unit it could read, not from its saved position.
 * Bounded in records: a full log makes the reader wait, nothing is dropped.
 *
 * <p>Beside it, {@code position}: where the reader is (a unit's end, or past writes that did not
 * pass), written after the unit it covers. The file says {@code fresh} for a task that must start
 * at the current end of the stream.
 */
final class TaskLog implements AutoCloseable {

    private final Path file;
    private final Path positionFile;
    private final long maxRecords;
    private final FileChannel channel;
    private final Deque<Unit> pending = new ArrayDeque<>();
    private long pendingRecords;
    private boolean closed;
    private long damagedBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);

    TaskLog(Path dir, long maxRecords) {
        this.file = dir.resolve("log");
        this.positionFile = dir.resolve("position");
        this.maxRecords = maxRecords;
        try {
            Files.createDirectories(dir);
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the task log " + file, e);
        }
    }

    private void load() throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(all);
        long good = 0;
        while (in.remaining() >= 8) {
            int length = in.getInt();
            int crc = in.getInt();
            if (length < 0 || length > in.remaining()) {
                break;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break;
            }
            Unit unit = decode(payload);
            pending.addLast(unit);
            pendingRecords += unit.records().size();
            good = in.position();
        }
        damagedBytes = all.length - good;
        channel.truncate(good);
        channel.position(good);
    }

    /** Bytes cut off the end of the log when it was opened: units that could not be read. */
    long damagedBytes() {
        return damagedBytes;
    }

    /** Appends a unit; waits while the log is full. False if the log was closed meanwhile. */
    synchronized boolean append(Unit unit) throws InterruptedException {
        while (!closed && pendingRecords > 0 && pendingRecords + unit.records().size() > maxRecords) {
            wait(100);
        }
        if (closed) {
            return false;
        }
        byte[] payload = encode(unit);
        CRC32 crc = new CRC32();
        crc.update(payload);
        if (buffer.remaining() < 8 + payload.length) {
            flush();
        }
        if (buffer.remaining() < 8 + payload.length) {
            ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
            frame.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
            write(frame);
        } else {
            buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        }
        pending.addLast(unit);
        pendingRecords += unit.records().size();
        notifyAll();
        return true;
    }

    /**
     * Writes what was appended since the last flush. Appends are buffered, one system call per
     * buffer instead of per unit; the reader's position is saved only after a flush
     * ({@link #savePosition}), so a crash loses nothing the position claims.
     */
    synchronized void flush() {
        if (closed || buffer.position() == 0) {
            return;
        }
        buffer.flip();
        write(buffer);
        buffer.clear();
    }

    private void write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the task log " + file, e);
        }
    }

    /** The oldest pending units, up to about {@code maxRecords} records (at least one unit). */
    synchronized List<Unit> peek(int maxRecords) {
        List<Unit> batch = new ArrayList<>();
        int records = 0;
        for (Unit unit : pending) {
            if (!batch.isEmpty() && records + unit.records().size() > maxRecords) {
                break;
            }
            batch.add(unit);
            records += unit.records().size();
        }
        return batch;
    }

    /** Removes the oldest {@code count} units, applied (or refused) on the target. */
    synchronized void pop(int count) {
        for (int i = 0; i < count && !pending.isEmpty(); i++) {
            pendingRecords -= pending.removeFirst().records().size();
        }
        if (pending.isEmpty()) {
            buffer.clear(); // what it held belongs to units just applied
            try {
                channel.truncate(0);
                channel.position(0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot empty the task log " + file, e);
            }
        }
        notifyAll();
    }

    /** Waits up to the timeout for something to send. */
    synchronized boolean awaitPending(long millis) throws InterruptedException {
        if (pending.isEmpty() && !closed) {
            wait(millis);
        }
        return !pending.isEmpty();
    }

    synchronized long pendingRecords() {
        return pendingRecords;
    }

    /** The end of the last unit logged, or null if the log is empty. */
    synchronized Position lastLogged() {
        Unit last = pending.peekLast();
        return last == null ? null : new Position(last.replId(), last.endOffset(), last.db());
    }

    /** The reader's saved position; null if none; {@link #FRESH} if it must start at the stream's end. */
    Position readPosition() {
        try {
            if (!Files.exists(positionFile)) {
                return null;
            }
            String[] words = Files.readString(positionFile).trim().split(" ");
            if (words[0].equals("fresh")) {
                return FRESH;
            }
            return new Position(words[0], Long.parseLong(words[1]), Integer.parseInt(words[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static final Position FRESH = new Position("fresh", -1, 0);

    synchronized void savePosition(Position position) {
        if (closed) {
            return; // stopped (and perhaps removed): a reader still finishing has nothing to keep
        }
        flush(); // the units the position covers are written first
        String text = position == FRESH ? "fresh" : position.replId() + " " + position.offset() + " " + position.db();
        Path tmp = positionFile.resolveSibling("position.tmp");
        try {
            Files.writeString(tmp, text + "\n");
            Files.move(tmp, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the task position " + positionFile, e);
        }
    }

    @Override
    public synchronized void close() {
        flush();
        closed = true;
        notifyAll();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to lose, every append was written
        }
    }

    private static byte[] encode(Unit unit) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(unit.replId());
            out.writeLong(unit.endOffset());
            out.writeInt(unit.db());
            out.writeInt(unit.records().size());
            for (TaskRecord record : unit.records()) {
                out.writeInt(record.db());
                out.writeLong(record.arrivalMillis());
                out.writeInt(record.argv().size());
                for (byte[] arg : record.argv()) {
                    out.writeInt(arg.length);
                    out.write(arg);
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Unit decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        String replId = in.readUTF();
        long end = in.readLong();
        int db = in.readInt();
        int n = in.readInt();
        List<TaskRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int recordDb = in.readInt();
            long arrival = in.readLong();
            int argc = in.readInt();
            List<byte[]> argv = new ArrayList<>(argc);
            for (int j = 0; j < argc; j++) {
                byte[] arg = new byte[in.readInt()];
                in.readFully(arg);
                argv.add(arg);
            }
            records.add(new TaskRecord(recordDb, argv, arrival));
        }
        return new Unit(replId, end, db, records);
    }
}
