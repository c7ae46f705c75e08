package dev.weft.redis.server;

import dev.weft.time.Instant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The commands mini-redis knows, with Redis's replies and error texts. Each runs to completion inside
 * its connection's task: the keyspace and pub/sub calls it makes never wait.
 */
final class Commands {
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    static final String SYNTAX = "ERR syntax error";
    static final String NOAUTH = "NOAUTH Authentication required.";
    /** What redis-cli and redis-benchmark are told when they ask which version this is. */
    static final String REDIS_VERSION = "7.0.0";

    private static final byte[] PONG = bytes("pong");
    private static final byte[] PONG_REPLY = bytes("+PONG\r\n");
    private static final byte[] EMPTY = new byte[0];

    private Commands() {
    }

    static void execute(Connection c, byte[][] argv, Reply out) {
        String name = commandName(argv[0]);
        c.lastCommand = name;
        if (!c.authenticated && !name.equals("AUTH") && !name.equals("HELLO") && !name.equals("QUIT")) {
            out.error(NOAUTH);
            return;
        }
        if (c.subscriber != null && !allowedWhileSubscribed(name)) {
            out.error("ERR Can't execute '" + name.toLowerCase(Locale.ROOT) + "': only (P|S)SUBSCRIBE /"
                    + " (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        Keyspace db = c.server.keyspace();
        switch (name) {
            case "GET" -> {
                if (arity(argv, 2, 2, out)) {
                    out.bulk(db.get(key(argv[1])));
                }
            }
            case "SET" -> set(db, argv, out);
            case "PING" -> ping(c, argv, out);
            case "ECHO" -> {
                if (arity(argv, 2, 2, out)) {
                    out.bulk(argv[1]);
                }
            }
            case "GETDEL" -> {
                if (arity(argv, 2, 2, out)) {
                    Keyspace.Entry e = db.remove(key(argv[1]));
                    out.bulk(e == null ? null : e.value());
                }
            }
            case "DEL", "UNLINK" -> {
                if (arity(argv, 2, Integer.MAX_VALUE, out)) {
                    long n = 0;
                    for (int i = 1; i < argv.length; i++) {
                        n += db.remove(key(argv[i])) != null ? 1 : 0;
                    }
                    out.integer(n);
                }
            }
            case "EXISTS" -> {
                if (arity(argv, 2, Integer.MAX_VALUE, out)) {
                    long n = 0;
                    for (int i = 1; i < argv.length; i++) {
                        n += db.exists(key(argv[i])) ? 1 : 0;
                    }
                    out.integer(n);
                }
            }
            case "EXPIRE" -> expire(db, argv, out, 1000, "expire");
            case "PEXPIRE" -> expire(db, argv, out, 1, "pexpire");
            case "TTL" -> ttl(db, argv, out, false);
            case "PTTL" -> ttl(db, argv, out, true);
            case "PERSIST" -> {
                if (arity(argv, 2, 2, out)) {
                    Keyspace.Entry before = db.update(key(argv[1]),
                            e -> e == null || e.expiresAt() == null ? e : new Keyspace.Entry(e.value(), null));
                    out.integer(before != null && before.expiresAt() != null ? 1 : 0);
                }
            }
            case "INCR" -> incrBy(db, argv, out, 2, 1);
            case "DECR" -> incrBy(db, argv, out, 2, -1);
            case "INCRBY", "DECRBY" -> {
                if (arity(argv, 3, 3, out)) {
                    Long by = parseLong(argv[2]);
                    if (by == null || name.equals("DECRBY") && by == Long.MIN_VALUE) {
                        out.error(name.equals("DECRBY") && by != null ? "ERR decrement would overflow" : NOT_INTEGER);
                    } else {
                        incrBy(db, argv, out, 3, name.equals("INCRBY") ? by : -by);
                    }
                }
            }
            case "APPEND" -> {
                if (arity(argv, 3, 3, out)) {
                    byte[] tail = argv[2];
                    int[] length = new int[1];
                    db.update(key(argv[1]), e -> {
                        byte[] v = e == null ? tail : concat(e.value(), tail);
                        length[0] = v.length;
                        return new Keyspace.Entry(v, e == null ? null : e.expiresAt());
                    });
                    out.integer(length[0]);
                }
            }
            case "STRLEN" -> {
                if (arity(argv, 2, 2, out)) {
                    byte[] v = db.get(key(argv[1]));
                    out.integer(v == null ? 0 : v.length);
                }
            }
            case "MGET" -> {
                if (arity(argv, 2, Integer.MAX_VALUE, out)) {
                    out.array(argv.length - 1);
                    for (int i = 1; i < argv.length; i++) {
                        out.bulk(db.get(key(argv[i])));
                    }
                }
            }
            case "MSET" -> {
                if (argv.length < 3 || argv.length % 2 == 0) {
                    wrongArity("mset", out);
                } else {
                    for (int i = 1; i < argv.length; i += 2) {
                        db.put(key(argv[i]), argv[i + 1]);
                    }
                    out.ok();
                }
            }
            case "KEYS" -> {
                if (arity(argv, 2, 2, out)) {
                    String pattern = key(argv[1]);
                    List<String> keys = db.keys(pattern.equals("*") ? null : pattern);
                    out.array(keys.size());
                    keys.forEach(out::bulk);
                }
            }
            case "SCAN" -> scan(db, argv, out);
            case "DBSIZE" -> {
                if (arity(argv, 1, 1, out)) {
                    out.integer(db.size());
                }
            }
            case "FLUSHDB", "FLUSHALL" -> {
                if (argv.length > 2 || argv.length == 2 && !isAny(argv[1], "ASYNC", "SYNC")) {
                    out.error(SYNTAX);
                } else {
                    db.clear();
                    out.ok();
                }
            }
            case "SELECT" -> {
                if (arity(argv, 2, 2, out)) {
                    Long index = parseLong(argv[1]);
                    if (index == null) {
                        out.error(NOT_INTEGER);
                    } else if (index != 0) {
                        out.error("ERR DB index is out of range");
                    } else {
                        out.ok();
                    }
                }
            }
            case "PUBLISH" -> {
                if (arity(argv, 3, 3, out)) {
                    out.integer(c.server.pubSub().publish(key(argv[1]), argv[2]));
                }
            }
            case "SUBSCRIBE", "PSUBSCRIBE" -> subscribe(c, argv, out, name.equals("PSUBSCRIBE"));
            case "UNSUBSCRIBE", "PUNSUBSCRIBE" -> unsubscribe(c, argv, out, name.equals("PUNSUBSCRIBE"));
            case "QUIT" -> {
                out.ok();
                c.closing = true;
            }
            case "RESET" -> {
                c.leaveSubscribeMode();
                c.name = "";
                c.authenticated = c.server.config().requirePass() == null;
                out.simple("RESET");
            }
            case "AUTH" -> auth(c, argv, out);
            case "HELLO" -> hello(c, argv, out);
            case "CLIENT" -> client(c, argv, out);
            case "CONFIG" -> config(c, argv, out);
            case "COMMAND" -> command(argv, out);
            case "INFO" -> out.bulk(c.server.info().getBytes(StandardCharsets.ISO_8859_1));
            case "SHUTDOWN" -> {
                // No reply, as in Redis: the client sees its connection close.
                c.closing = true;
                c.server.shutdown();
            }
            default -> unknown(argv, out);
        }
    }

    private static boolean allowedWhileSubscribed(String name) {
        return switch (name) {
            case "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "PING", "QUIT", "RESET" -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Strings

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]. */
    private static void set(Keyspace db, byte[][] argv, Reply out) {
        if (!arity(argv, 3, Integer.MAX_VALUE, out)) {
            return;
        }
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        Instant deadline = null;
        boolean expirySet = false;
        for (int i = 3; i < argv.length; i++) {
            String opt = key(argv[i]).toUpperCase(Locale.ROOT);
            switch (opt) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> get = true;
                case "KEEPTTL" -> keepTtl = true;
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (expirySet || i + 1 >= argv.length) {
                        out.error(SYNTAX);
                        return;
                    }
                    Long n = parseLong(argv[++i]);
                    if (n == null) {
                        out.error(NOT_INTEGER);
                        return;
                    }
                    deadline = deadline(opt, n);
                    if (deadline == null) {
                        out.error("ERR invalid expire time in 'set' command");
                        return;
                    }
                    expirySet = true;
                }
                default -> {
                    out.error(SYNTAX);
                    return;
                }
            }
        }
        if (nx && xx || keepTtl && expirySet) {
            out.error(SYNTAX);
            return;
        }
        String key = key(argv[1]);
        byte[] value = argv[2];
        boolean onlyIfAbsent = nx;
        boolean onlyIfPresent = xx;
        boolean keep = keepTtl;
        Instant expiresAt = deadline;
        boolean[] written = new boolean[1];
        Keyspace.Entry before;
        if (!nx && !xx && !get && !keepTtl) {
            db.put(key, new Keyspace.Entry(value, expiresAt)); // the plain SET: no read needed
            out.ok();
            return;
        }
        before = db.update(key, e -> {
            if (onlyIfAbsent && e != null || onlyIfPresent && e == null) {
                return e;
            }
            written[0] = true;
            return new Keyspace.Entry(value, keep && e != null ? e.expiresAt() : expiresAt);
        });
        if (get) {
            out.bulk(before == null ? null : before.value());
        } else if (written[0]) {
            out.ok();
        } else {
            out.nullBulk();
        }
    }

    /**
     * The deadline for SET's EX/PX (relative) or EXAT/PXAT (a Unix time, mapped onto the Weft clock);
     * null if it is not positive or overflows, which Redis rejects.
     */
    private static Instant deadline(String unit, long n) {
        if (n <= 0) {
            return null;
        }
        try {
            long millis = switch (unit) {
                case "EX" -> Math.multiplyExact(n, 1000L);
                case "PX" -> n;
                case "EXAT" -> Math.subtractExact(Math.multiplyExact(n, 1000L), System.currentTimeMillis());
                default -> Math.subtractExact(n, System.currentTimeMillis());
            };
            return Keyspace.deadline(Duration.ofMillis(Math.max(0, millis)));
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    private static void incrBy(Keyspace db, byte[][] argv, Reply out, int arity, long by) {
        if (!arity(argv, arity, arity, out)) {
            return;
        }
        String[] error = new String[1];
        long[] result = new long[1];
        db.update(key(argv[1]), e -> {
            Long current = e == null ? Long.valueOf(0) : parseLong(e.value());
            if (current == null) {
                error[0] = NOT_INTEGER;
                return e;
            }
            try {
                result[0] = Math.addExact(current, by);
            } catch (ArithmeticException overflow) {
                error[0] = "ERR increment or decrement would overflow";
                return e;
            }
            return new Keyspace.Entry(bytes(Long.toString(result[0])), e == null ? null : e.expiresAt());
        });
        if (error[0] != null) {
            out.error(error[0]);
        } else {
            out.integer(result[0]);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Expiry

    /** EXPIRE key seconds [NX | XX | GT | LT], and PEXPIRE with milliseconds. */
    private static void expire(Keyspace db, byte[][] argv, Reply out, long unitMillis, String command) {
        if (!arity(argv, 3, 4, out)) {
            return;
        }
        Long n = parseLong(argv[2]);
        if (n == null) {
            out.error(NOT_INTEGER);
            return;
        }
        String flag = argv.length == 4 ? key(argv[3]).toUpperCase(Locale.ROOT) : "";
        if (!flag.isEmpty() && !isAny(argv[3], "NX", "XX", "GT", "LT")) {
            out.error("ERR Unsupported option " + key(argv[3]));
            return;
        }
        long millis;
        try {
            millis = Math.multiplyExact(n, unitMillis);
        } catch (ArithmeticException overflow) {
            out.error("ERR invalid expire time in '" + command + "' command");
            return;
        }
        Instant now = Instant.now();
        Instant deadline = millis <= 0 ? now : now.plus(Duration.ofMillis(millis));
        boolean[] changed = new boolean[1];
        db.update(key(argv[1]), e -> {
            if (e == null) {
                return null;
            }
            Instant current = e.expiresAt(); // null: never, later than any deadline
            boolean ok = switch (flag) {
                case "NX" -> current == null;
                case "XX" -> current != null;
                case "GT" -> current != null && deadline.isAfter(current);
                case "LT" -> current == null || deadline.isBefore(current);
                default -> true;
            };
            if (!ok) {
                return e;
            }
            changed[0] = true;
            return millis <= 0 ? null : new Keyspace.Entry(e.value(), deadline); // in the past: deleted
        });
        out.integer(changed[0] ? 1 : 0);
    }

    private static void ttl(Keyspace db, byte[][] argv, Reply out, boolean millis) {
        if (!arity(argv, 2, 2, out)) {
            return;
        }
        Keyspace.Entry e = db.entry(key(argv[1]));
        if (e == null) {
            out.integer(-2);
        } else if (e.expiresAt() == null) {
            out.integer(-1);
        } else {
            long left = Math.max(0, e.expiresAt().durationSince(Instant.now()).toMillis());
            out.integer(millis ? left : (left + 500) / 1000);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Keys

    /** SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. */
    private static void scan(Keyspace db, byte[][] argv, Reply out) {
        if (!arity(argv, 2, Integer.MAX_VALUE, out)) {
            return;
        }
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(key(argv[1]));
        } catch (NumberFormatException e) {
            out.error("ERR invalid cursor");
            return;
        }
        String pattern = null;
        long count = 10;
        boolean stringsOnly = true;
        for (int i = 2; i < argv.length; i += 2) {
            if (i + 1 >= argv.length) {
                out.error(SYNTAX);
                return;
            }
            String opt = key(argv[i]).toUpperCase(Locale.ROOT);
            switch (opt) {
                case "MATCH" -> pattern = key(argv[i + 1]);
                case "COUNT" -> {
                    Long n = parseLong(argv[i + 1]);
                    if (n == null) {
                        out.error(NOT_INTEGER);
                        return;
                    }
                    if (n < 1) {
                        out.error(SYNTAX);
                        return;
                    }
                    count = n;
                }
                case "TYPE" -> stringsOnly = key(argv[i + 1]).equalsIgnoreCase("string");
                default -> {
                    out.error(SYNTAX);
                    return;
                }
            }
        }
        Keyspace.ScanPage page = db.scan(cursor, (int) Math.min(count, Integer.MAX_VALUE),
                pattern == null || pattern.equals("*") ? null : pattern);
        List<String> keys = stringsOnly ? page.keys() : List.of();
        out.array(2);
        out.bulk(Long.toUnsignedString(page.next()));
        out.array(keys.size());
        keys.forEach(out::bulk);
    }

    // ---------------------------------------------------------------------------------------------
    // Pub/sub

    private static void subscribe(Connection c, byte[][] argv, Reply out, boolean patterns) {
        if (!arity(argv, 2, Integer.MAX_VALUE, out)) {
            return;
        }
        PubSub.Subscriber sub = c.subscriber();
        for (int i = 1; i < argv.length; i++) {
            String target = key(argv[i]);
            if (patterns ? c.patterns.add(target) : c.channels.add(target)) {
                if (patterns) {
                    c.server.pubSub().psubscribe(target, sub);
                } else {
                    c.server.pubSub().subscribe(target, sub);
                }
            }
            out.array(3);
            out.bulk(patterns ? "psubscribe" : "subscribe");
            out.bulk(target);
            out.integer(c.subscriptions());
        }
    }

    private static void unsubscribe(Connection c, byte[][] argv, Reply out, boolean patterns) {
        String kind = patterns ? "punsubscribe" : "unsubscribe";
        List<String> targets = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            targets.add(key(argv[i]));
        }
        if (argv.length == 1) {
            targets.addAll(patterns ? c.patterns : c.channels);
        }
        if (targets.isEmpty()) {
            out.array(3);
            out.bulk(kind);
            out.nullBulk();
            out.integer(c.subscriptions());
        }
        for (String target : targets) {
            if (patterns ? c.patterns.remove(target) : c.channels.remove(target)) {
                if (patterns) {
                    c.server.pubSub().punsubscribe(target, c.subscriber);
                } else {
                    c.server.pubSub().unsubscribe(target, c.subscriber);
                }
            }
            out.array(3);
            out.bulk(kind);
            out.bulk(target);
            out.integer(c.subscriptions());
        }
        if (c.subscriptions() == 0 && c.subscriber != null) {
            c.leaveSubscribeMode();
        }
    }

    private static void ping(Connection c, byte[][] argv, Reply out) {
        if (!arity(argv, 1, 2, out)) {
            return;
        }
        if (c.subscriber != null) {
            out.array(2);
            out.bulk(PONG);
            out.bulk(argv.length == 2 ? argv[1] : EMPTY);
        } else if (argv.length == 2) {
            out.bulk(argv[1]);
        } else {
            out.raw(PONG_REPLY);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Connection and server

    private static void auth(Connection c, byte[][] argv, Reply out) {
        if (!arity(argv, 2, 3, out)) {
            return;
        }
        String required = c.server.config().requirePass();
        if (required == null) {
            out.error("ERR AUTH <password> called without any password configured for the default user. Are"
                    + " you sure your configuration is correct?");
            return;
        }
        boolean userOk = argv.length == 2 || key(argv[1]).equals("default");
        if (userOk && passwordMatches(required, argv[argv.length - 1])) {
            c.authenticated = true;
            out.ok();
        } else {
            out.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    /** Compares in time independent of where the bytes differ. */
    private static boolean passwordMatches(String required, byte[] given) {
        return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), given);
    }

    /** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only; RESP3 is refused as Redis does. */
    private static void hello(Connection c, byte[][] argv, Reply out) {
        if (argv.length >= 2) {
            Long version = parseLong(argv[1]);
            if (version == null) {
                out.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version != 2) {
                out.error("NOPROTO unsupported protocol version");
                return;
            }
        }
        String setName = null;
        for (int i = 2; i < argv.length; i++) {
            String opt = key(argv[i]).toUpperCase(Locale.ROOT);
            if (opt.equals("AUTH") && i + 2 < argv.length) {
                String required = c.server.config().requirePass();
                if (required == null || !key(argv[i + 1]).equals("default")
                        || !passwordMatches(required, argv[i + 2])) {
                    out.error("WRONGPASS invalid username-password pair or user is disabled.");
                    return;
                }
                c.authenticated = true;
                i += 2;
            } else if (opt.equals("SETNAME") && i + 1 < argv.length) {
                setName = key(argv[++i]);
            } else {
                out.error("ERR Syntax error in HELLO option '" + key(argv[i]) + "'");
                return;
            }
        }
        if (!c.authenticated) {
            out.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO"
                    + " <proto> AUTH <user> <pass> option can be used to authenticate the client and select the"
                    + " RESP protocol version at the same time");
            return;
        }
        if (setName != null) {
            c.name = setName;
        }
        out.array(14);
        out.bulk("server");
        out.bulk("redis");
        out.bulk("version");
        out.bulk(REDIS_VERSION);
        out.bulk("proto");
        out.integer(2);
        out.bulk("id");
        out.integer(c.id);
        out.bulk("mode");
        out.bulk("standalone");
        out.bulk("role");
        out.bulk("master");
        out.bulk("modules");
        out.array(0);
    }

    private static void client(Connection c, byte[][] argv, Reply out) {
        if (!arity(argv, 2, Integer.MAX_VALUE, out)) {
            return;
        }
        String sub = key(argv[1]).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "SETNAME" -> {
                if (argv.length != 3) {
                    wrongArity("client|setname", out);
                    return;
                }
                String name = key(argv[2]);
                for (int i = 0; i < name.length(); i++) {
                    char ch = name.charAt(i);
                    if (ch <= ' ' || ch > '~') {
                        out.error("ERR Client names cannot contain spaces, newlines or special characters.");
                        return;
                    }
                }
                c.name = name;
                out.ok();
            }
            case "GETNAME" -> out.bulk(c.name.isEmpty() ? null : c.name);
            case "ID" -> out.integer(c.id);
            case "SETINFO" -> out.ok(); // client libraries announce their name and version; noted, not kept
            case "LIST" -> out.bulk(c.server.clientList());
            case "KILL" -> clientKill(c, argv, out);
            case "INFO" -> out.bulk(c.server.clientLine(c));
            default -> out.error("ERR unknown subcommand '" + key(argv[1]) + "'. Try CLIENT HELP.");
        }
    }

    /** CLIENT KILL addr (replies +OK), or CLIENT KILL [ID id] [TYPE normal|pubsub] [ADDR addr] (a count). */
    private static void clientKill(Connection c, byte[][] argv, Reply out) {
        if (argv.length == 3) {
            String addr = key(argv[2]);
            if (c.server.kill(other -> other.address().equals(addr)) == 0) {
                out.error("ERR No such client");
            } else {
                out.ok();
            }
            return;
        }
        if (argv.length < 4 || argv.length % 2 != 0) {
            out.error(SYNTAX);
            return;
        }
        Predicate<Connection> which = other -> true;
        for (int i = 2; i < argv.length; i += 2) {
            String value = key(argv[i + 1]);
            switch (key(argv[i]).toUpperCase(Locale.ROOT)) {
                case "ID" -> {
                    Long id = parseLong(argv[i + 1]);
                    if (id == null) {
                        out.error("ERR client-id should be greater than 0");
                        return;
                    }
                    which = which.and(other -> other.id == id);
                }
                case "TYPE" -> {
                    if (!value.equalsIgnoreCase("normal") && !value.equalsIgnoreCase("pubsub")) {
                        out.error("ERR Unknown client type '" + value + "'");
                        return;
                    }
                    boolean pubsub = value.equalsIgnoreCase("pubsub");
                    which = which.and(other -> other.isSubscriber() == pubsub);
                }
                case "ADDR" -> which = which.and(other -> other.address().equals(value));
                default -> {
                    out.error(SYNTAX);
                    return;
                }
            }
        }
        out.integer(c.server.kill(which));
    }

    private static void config(Connection c, byte[][] argv, Reply out) {
        if (!arity(argv, 2, Integer.MAX_VALUE, out)) {
            return;
        }
        String sub = key(argv[1]).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "GET" -> {
                if (argv.length < 3) {
                    wrongArity("config|get", out);
                    return;
                }
                List<String[]> found = new ArrayList<>();
                for (String[] p : c.server.configParameters()) {
                    for (int i = 2; i < argv.length; i++) {
                        if (Glob.matches(key(argv[i]).toLowerCase(Locale.ROOT), p[0])) {
                            found.add(p);
                            break;
                        }
                    }
                }
                out.array(found.size() * 2);
                for (String[] p : found) {
                    out.bulk(p[0]);
                    out.bulk(p[1]);
                }
            }
            case "RESETSTAT" -> out.ok();
            case "SET" -> out.error("ERR mini-redis does not change its configuration at run time; restart it"
                    + " with the option (see --help)");
            default -> out.error("ERR unknown subcommand '" + key(argv[1]) + "'. Try CONFIG HELP.");
        }
    }

    /** Enough of COMMAND for clients that ask: redis-cli's COMMAND DOCS gets an empty answer. */
    private static void command(byte[][] argv, Reply out) {
        String sub = argv.length > 1 ? key(argv[1]).toUpperCase(Locale.ROOT) : "";
        switch (sub) {
            case "COUNT" -> out.integer(COMMAND_NAMES.size());
            case "INFO" -> {
                out.array(argv.length - 2);
                for (int i = 2; i < argv.length; i++) {
                    out.nullArray();
                }
            }
            default -> out.array(0);
        }
    }

    private static final List<String> COMMAND_NAMES = List.of("GET", "SET", "PING", "ECHO", "GETDEL", "DEL",
            "UNLINK", "EXISTS", "EXPIRE", "PEXPIRE", "TTL", "PTTL", "PERSIST", "INCR", "DECR", "INCRBY", "DECRBY",
            "APPEND", "STRLEN", "MGET", "MSET", "KEYS", "SCAN", "DBSIZE", "FLUSHDB", "FLUSHALL", "SELECT",
            "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "QUIT", "RESET", "AUTH", "HELLO",
            "CLIENT", "CONFIG", "COMMAND", "INFO", "SHUTDOWN");

    /** The known names by length, as upper-case bytes, for a lookup that allocates nothing. */
    private static final byte[][][] NAMES_BY_LENGTH = new byte[16][][];
    private static final String[][] CONSTANTS_BY_LENGTH = new String[16][];

    static {
        for (int len = 0; len < NAMES_BY_LENGTH.length; len++) {
            int l = len;
            List<String> same = COMMAND_NAMES.stream().filter(n -> n.length() == l).toList();
            NAMES_BY_LENGTH[len] = same.stream().map(Commands::bytes).toArray(byte[][]::new);
            CONSTANTS_BY_LENGTH[len] = same.toArray(String[]::new);
        }
    }

    /**
     * The command's name in upper case: one of the constants above when it is known, in any case, so
     * the hot path allocates no string for it; a new string only for an unknown one.
     */
    static String commandName(byte[] raw) {
        if (raw.length < NAMES_BY_LENGTH.length) {
            byte[][] candidates = NAMES_BY_LENGTH[raw.length];
            for (int i = 0; i < candidates.length; i++) {
                if (equalsIgnoreAsciiCase(candidates[i], raw)) {
                    return CONSTANTS_BY_LENGTH[raw.length][i];
                }
            }
        }
        return key(raw).toUpperCase(Locale.ROOT);
    }

    /** {@code upper} (upper-case ASCII letters) against {@code raw} in any case. */
    private static boolean equalsIgnoreAsciiCase(byte[] upper, byte[] raw) {
        for (int i = 0; i < upper.length; i++) {
            int b = raw[i];
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upper[i]) {
                return false;
            }
        }
        return true;
    }

    private static void unknown(byte[][] argv, Reply out) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = key(argv[i]);
            args.append('\'').append(a, 0, Math.min(a.length(), 128 - args.length())).append("' ");
        }
        String name = key(argv[0]);
        out.error("ERR unknown command '" + (name.length() > 128 ? name.substring(0, 128) : name)
                + "', with args beginning with: " + args);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Whether argv has between min and max entries (the name included); replies the error if not. */
    private static boolean arity(byte[][] argv, int min, int max, Reply out) {
        if (argv.length >= min && argv.length <= max) {
            return true;
        }
        wrongArity(key(argv[0]).toLowerCase(Locale.ROOT), out);
        return false;
    }

    private static void wrongArity(String command, Reply out) {
        out.error("ERR wrong number of arguments for '" + command + "' command");
    }

    /** A key or argument as a Latin-1 string: one char per byte, so any bytes survive the trip. */
    static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isAny(byte[] arg, String... words) {
        String s = key(arg);
        for (String w : words) {
            if (s.equalsIgnoreCase(w)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * The integer {@code b} spells as Redis reads one (an optional '-', digits, no leading zeros, no
     * spaces, within a 64-bit long), or null.
     */
    static Long parseLong(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return null;
        }
        boolean negative = b[0] == '-';
        int i = negative ? 1 : 0;
        if (i == n || b[i] == '0' && n > i + 1 || negative && b[i] == '0') {
            return n == 1 && b[0] == '0' ? Long.valueOf(0) : null;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            // Accumulate negatively: the negative range is one larger.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            v = -v;
        }
        return v;
    }
}
