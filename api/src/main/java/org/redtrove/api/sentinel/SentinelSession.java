package org.redtrove.api.sentinel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.redtrove.common.Glob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to the endpoint: its protocol, the one set its password opened, its
 * subscriptions, and Sentinel's commands answered from {@link SentinelTopology}. Commands arrive on
 * the connection's event loop, one at a time; events are delivered from the topology's thread
 * through {@link #deliver}.
 *
 * <p>Before AUTH everything but AUTH, HELLO and QUIT is refused with NOAUTH: without the password of
 * a set a connection learns nothing, not even which names exist.
 */
final class SentinelSession {

    private static final Logger log = LoggerFactory.getLogger(SentinelSession.class);
    private static final Set<String> SUBSCRIBED_MODE_COMMANDS = Set.of("subscribe", "psubscribe", "unsubscribe",
            "punsubscribe", "ping", "quit", "reset");
    static final String SERVER_VERSION = "7.0.15";

    /** Where replies and events go: the connection. */
    interface Connection {
        void send(Resp reply);

        void close();

        String remoteAddress();
    }

    /** What the session needs of the process around it. */
    record Context(SentinelTopology topology, AuthThrottle throttle, Supplier<List<SentinelViews.Peer>> peers,
                   String runId, long downAfterMillis) {
    }

    private final Context context;
    private final Connection connection;
    private final long id;
    private volatile int protocol = 2;
    private volatile UUID setId;
    private String clientName;
    /** The master this connection was last told of by get-master-addr-by-name. */
    private volatile SetSnapshot.Node toldMaster;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Set<String> patterns = ConcurrentHashMap.newKeySet();

    SentinelSession(Context context, Connection connection, long id) {
        this.context = context;
        this.connection = connection;
        this.id = id;
    }

    UUID setId() {
        return setId;
    }

    boolean authenticated() {
        return setId != null;
    }

    /** Answers one command. */
    void handle(List<String> args) {
        if (args.isEmpty()) {
            return;
        }
        String command = args.get(0).toLowerCase(Locale.ROOT);
        if (log.isDebugEnabled()) {
            // the command and its subcommand only: AUTH and HELLO carry passwords
            log.debug("Sentinel session {} ({}): {}{}", id, setId == null ? "not authenticated" : setId, command,
                    args.size() > 1 && (command.equals("sentinel") || command.equals("client")
                            || command.endsWith("subscribe")) ? " " + printable(args.get(1)) : "");
        }
        if (protocol == 2 && subscribed() && !SUBSCRIBED_MODE_COMMANDS.contains(command)) {
            reply(Resp.error("ERR Can't execute '" + command + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING"
                    + " / QUIT / RESET are allowed in this context"));
            return;
        }
        if (!authenticated() && !command.equals("auth") && !command.equals("hello") && !command.equals("quit")) {
            reply(Resp.error("NOAUTH Authentication required."));
            return;
        }
        switch (command) {
            case "auth" -> auth(args);
            case "hello" -> hello(args);
            case "ping" -> ping(args);
            case "quit" -> {
                reply(Resp.OK);
                connection.close();
            }
            case "reset" -> {
                channels.clear();
                patterns.clear();
                protocol = 2;
                setId = null;
                clientName = null;
                reply(new Resp.Simple("RESET"));
            }
            case "client" -> client(args);
            case "sentinel" -> sentinel(args);
            case "role" -> reply(Resp.array(List.of(Resp.bulk("sentinel"),
                    Resp.array(visibleSet().map(s -> List.of(Resp.bulk(s.name()))).orElse(List.of())))));
            case "subscribe" -> subscribe(args, false);
            case "psubscribe" -> subscribe(args, true);
            case "unsubscribe" -> unsubscribe(args, false);
            case "punsubscribe" -> unsubscribe(args, true);
            default -> reply(unknownCommand(args));
        }
    }

    // ---- connection --------------------------------------------------------------------------

    private void auth(List<String> args) {
        if (args.size() < 2 || args.size() > 3) {
            reply(wrongArity("auth"));
            return;
        }
        String user = args.size() == 3 ? args.get(1) : "default";
        String password = args.get(args.size() - 1);
        authenticate(user, password).ifPresentOrElse(this::reply, () -> reply(Resp.OK));
    }

    /** Empty when the password opened a set; else the error to answer. */
    private Optional<Resp> authenticate(String user, String password) {
        String address = connection.remoteAddress();
        long wait = context.throttle().retryAfterSeconds(address);
        if (wait > 0) {
            return Optional.of(Resp.error("ERR too many failed authentication attempts from this address; try again"
                    + " in " + wait + " s"));
        }
        List<SetSnapshot> sets = context.topology().withPassword(password).stream()
                .filter(s -> user.equals("default") || user.equals(s.name())).toList();
        if (sets.size() == 1) {
            setId = sets.get(0).id();
            return Optional.empty();
        }
        if (sets.size() > 1) {
            // Generated passwords never collide; should two sets share one, the name must say which.
            return Optional.of(Resp.error("WRONGPASS this password opens more than one replica set; log in with"
                    + " the set's name as the user name"));
        }
        int failures = context.throttle().failed(address);
        log.warn("Sentinel endpoint: wrong password from {} (user '{}'), {} in the last minute", address,
                printable(user), failures);
        return Optional.of(Resp.error("WRONGPASS invalid username-password pair or user is disabled."));
    }

    private void hello(List<String> args) {
        int requested = protocol;
        int i = 1;
        if (args.size() > 1) {
            try {
                requested = Integer.parseInt(args.get(1));
            } catch (NumberFormatException e) {
                reply(Resp.error("ERR Protocol version is not an integer or out of range"));
                return;
            }
            i = 2;
        }
        if (requested != 2 && requested != 3) {
            reply(Resp.error("NOPROTO unsupported protocol version"));
            return;
        }
        String user = null;
        String password = null;
        String name = null;
        for (; i < args.size(); i++) {
            String option = args.get(i).toLowerCase(Locale.ROOT);
            if (option.equals("auth") && i + 2 < args.size()) {
                user = args.get(++i);
                password = args.get(++i);
            } else if (option.equals("setname") && i + 1 < args.size()) {
                name = args.get(++i);
            } else {
                reply(Resp.error("ERR Syntax error in HELLO option '" + printable(args.get(i)) + "'"));
                return;
            }
        }
        if (password != null) {
            Optional<Resp> refused = authenticate(user, password);
            if (refused.isPresent()) {
                reply(refused.get());
                return;
            }
        }
        if (!authenticated()) {
            reply(Resp.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the"
                    + " HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select"
                    + " the RESP protocol version at the same time"));
            return;
        }
        if (name != null) {
            clientName = name;
        }
        protocol = requested;
        LinkedHashMap<String, Resp> fields = new LinkedHashMap<>();
        fields.put("server", Resp.bulk("redis"));
        fields.put("version", Resp.bulk(SERVER_VERSION));
        fields.put("proto", new Resp.Int(protocol));
        fields.put("id", new Resp.Int(id));
        fields.put("mode", Resp.bulk("sentinel"));
        fields.put("modules", Resp.array(List.of()));
        reply(new Resp.Fields(fields));
    }

    private void ping(List<String> args) {
        if (args.size() > 2) {
            reply(wrongArity("ping"));
        } else if (protocol == 2 && subscribed()) {
            reply(Resp.bulks("pong", args.size() == 2 ? args.get(1) : ""));
        } else {
            reply(args.size() == 2 ? Resp.bulk(args.get(1)) : new Resp.Simple("PONG"));
        }
    }

    private void client(List<String> args) {
        if (args.size() < 2) {
            reply(wrongArity("client"));
            return;
        }
        String sub = args.get(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "setname" -> {
                if (args.size() != 3) {
                    reply(wrongArity("client|setname"));
                } else {
                    clientName = args.get(2);
                    reply(Resp.OK);
                }
            }
            case "getname" -> reply(Resp.bulk(clientName));
            case "setinfo" -> reply(args.size() == 4 ? Resp.OK : wrongArity("client|setinfo"));
            case "id" -> reply(new Resp.Int(id));
            default -> reply(Resp.error("ERR unknown subcommand '" + printable(args.get(1)) + "'. Try CLIENT HELP."));
        }
    }

    // ---- SENTINEL ------------------------------------------------------------------------------

    private void sentinel(List<String> args) {
        if (args.size() < 2) {
            reply(wrongArity("sentinel"));
            return;
        }
        String sub = args.get(1).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "get-master-addr-by-name" -> {
                if (args.size() != 3) {
                    reply(wrongArity("sentinel|get-master-addr-by-name"));
                    return;
                }
                // Sentinel's answer: the last master it announced, down or not, until +switch-master names
                // another; nil only for a name it does not know. A nil for a known name keeps ioredis inside
                // its connector's retry loop, where a +switch-master seen by its failoverDetector ends the
                // client for good ("Connection is closed."; acceptance/sentinel-clients.sh).
                SetSnapshot.Node master = named(args.get(2))
                        .flatMap(set -> context.topology().lastAnnounced(set.id())).orElse(null);
                if (master != null) {
                    toldMaster = master;
                }
                reply(master == null ? Resp.NULL : Resp.bulks(master.ip(), Integer.toString(master.port())));
            }
            case "masters" -> reply(Resp.array(visibleSet().flatMap(this::masterView).stream().toList()));
            case "master" -> withNamed(args, set -> masterView(set).orElse(Resp.error(
                    "ERR No such master with that name")));
            case "replicas", "slaves" -> withNamed(args, this::replicasView);
            case "sentinels" -> withNamed(args, set -> Resp.array(context.peers().get().stream()
                    .map(p -> Resp.fields(SentinelViews.sentinel(p, context.downAfterMillis()))).toList()));
            case "myid" -> reply(Resp.bulk(context.runId()));
            default -> reply(Resp.error("ERR unknown subcommand '" + printable(args.get(1))
                    + "'. Try SENTINEL HELP."));
        }
    }

    private void withNamed(List<String> args, java.util.function.Function<SetSnapshot, Resp> view) {
        if (args.size() != 3) {
            reply(wrongArity("sentinel|" + args.get(1).toLowerCase(Locale.ROOT)));
            return;
        }
        reply(named(args.get(2)).map(view).orElse(Resp.error("ERR No such master with that name")));
    }

    /** A set visible to this connection under this name: only its own. */
    private Optional<SetSnapshot> named(String name) {
        return visibleSet().filter(s -> s.name().equals(name));
    }

    private Optional<SetSnapshot> visibleSet() {
        UUID own = setId;
        return own == null ? Optional.empty() : context.topology().get(own);
    }

    /**
     * The set as a master entry. While a switch is under way no master is announced: the entry shows
     * the recorded master flagged failover_in_progress. node-redis refuses it (and observes again a
     * second later); redis-py does not read that flag: a redis-py that reconnects meanwhile (say on a
     * READONLY from the demoted master) connects to the recorded master and gets READONLY there until
     * it is promoted.
     */
    private Optional<Resp> masterView(SetSnapshot set) {
        SetSnapshot.Node shown = set.master() != null ? set.master() : set.recorded();
        if (shown == null) {
            return Optional.empty(); // a new set whose master was never placed
        }
        return Optional.of(Resp.fields(SentinelViews.master(set, shown, set.master() == null,
                context.peers().get().size(), context.downAfterMillis())));
    }

    private Resp replicasView(SetSnapshot set) {
        List<Resp> entries = new ArrayList<>();
        for (SetSnapshot.Node replica : set.replicas()) {
            entries.add(Resp.fields(SentinelViews.replica(replica, set.master(), context.downAfterMillis())));
        }
        return Resp.array(entries);
    }

    // ---- pub/sub -------------------------------------------------------------------------------

    private boolean subscribed() {
        return !channels.isEmpty() || !patterns.isEmpty();
    }

    private void subscribe(List<String> args, boolean pattern) {
        String kind = pattern ? "psubscribe" : "subscribe";
        if (args.size() < 2) {
            reply(wrongArity(kind));
            return;
        }
        for (String name : args.subList(1, args.size())) {
            (pattern ? patterns : channels).add(name);
            reply(Resp.push(Resp.bulk(kind), Resp.bulk(name), new Resp.Int(channels.size() + patterns.size())));
        }
        catchUp();
    }

    /**
     * Jedis's listener asks for the master and then subscribes, on one connection: a switch between
     * the two would never reach it (as with Sentinel itself). A subscriber that was told of a master
     * that is no longer the one is sent the +switch-master it missed, at once.
     */
    private void catchUp() {
        SetSnapshot.Node told = toldMaster;
        SetSnapshot set = visibleSet().orElse(null);
        if (told == null || set == null) {
            return;
        }
        SetSnapshot.Node now = context.topology().lastAnnounced(set.id()).orElse(null);
        if (now != null && !now.sameAddress(told)) {
            log.debug("Sentinel session {}: told of {} before it subscribed; sending the switch to {}", id,
                    told.address(), now.address());
            toldMaster = now;
            deliver(set.id(), "+switch-master", SentinelViews.switchMasterEvent(set.name(), told, now));
        }
    }

    private void unsubscribe(List<String> args, boolean pattern) {
        String kind = pattern ? "punsubscribe" : "unsubscribe";
        Set<String> from = pattern ? patterns : channels;
        List<String> names = args.size() > 1 ? args.subList(1, args.size()) : List.copyOf(from);
        if (names.isEmpty()) {
            reply(Resp.push(Resp.bulk(kind), Resp.bulk(null), new Resp.Int(channels.size() + patterns.size())));
            return;
        }
        for (String name : names) {
            from.remove(name);
            reply(Resp.push(Resp.bulk(kind), Resp.bulk(name), new Resp.Int(channels.size() + patterns.size())));
        }
    }

    /** An event of {@code set}: delivered when this connection may see the set and subscribed to it. */
    void deliver(UUID set, String channel, String message) {
        if (!set.equals(setId)) {
            return;
        }
        log.debug("Sentinel session {}: event {} {} (subscribed to {} and {})", id, channel, message, channels,
                patterns);
        if (channels.contains(channel)) {
            connection.send(Resp.push(Resp.bulk("message"), Resp.bulk(channel), Resp.bulk(message)));
        }
        for (String pattern : patterns) {
            if (Glob.matches(pattern, channel)) {
                connection.send(Resp.push(Resp.bulk("pmessage"), Resp.bulk(pattern), Resp.bulk(channel),
                        Resp.bulk(message)));
            }
        }
    }

    /** Answers something that was not a command at all. */
    void refuse(String error) {
        reply(Resp.error(error));
    }

    int protocol() {
        return protocol;
    }

    // ---- errors --------------------------------------------------------------------------------

    private void reply(Resp reply) {
        connection.send(reply);
    }

    private static Resp wrongArity(String command) {
        return Resp.error("ERR wrong number of arguments for '" + command + "' command");
    }

    /** Redis's own words, so clients that fall back from HELLO on "unknown command" do so here too. */
    static Resp unknownCommand(List<String> args) {
        StringBuilder text = new StringBuilder("ERR unknown command '").append(printable(args.get(0)))
                .append("', with args beginning with: ");
        for (String arg : args.subList(1, Math.min(args.size(), 4))) {
            text.append('\'').append(printable(arg)).append("' ");
        }
        return Resp.error(text.toString());
    }

    /** What a client sent, safe to echo or log: no control characters, at most 64 characters. */
    static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
