package dev.weft.redis.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.weft.Weft;
import dev.weft.redis.Frame;
import dev.weft.redis.client.Client;
import dev.weft.redis.client.Message;
import dev.weft.redis.client.RedisException;
import dev.weft.redis.client.SetOptions;
import dev.weft.redis.client.Subscriber;
import dev.weft.runtime.Runtime;
import dev.weft.stream.Stream;
import dev.weft.time.ElapsedException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mini-redis-cli}: runs one command against a Redis server and prints the reply as redis-cli
 * does ({@code "value"}, {@code (integer) 3}, {@code (nil)}; {@code --raw} for scripts).
 *
 * <pre>
 * mini-redis-cli set greeting hello --ex 60
 * mini-redis-cli get greeting
 * mini-redis-cli --port 6380 subscribe news sport
 * mini-redis-cli cmd mset user:1 Ada user:2 Grace
 * </pre>
 *
 * <p>Exit status: 0 when the command succeeded; 1 when the server answered with an error (printed to
 * standard error); 2 when the server could not be reached or the connection was lost (with what to
 * check); 64 for a command line that does not parse. It runs on a Weft current-thread runtime: one
 * thread, one connection.
 */
@Command(name = "mini-redis-cli",
        description = "Sends a command to a Redis server and prints the reply.",
        subcommands = {MiniRedisCli.PingCommand.class, MiniRedisCli.GetCommand.class, MiniRedisCli.SetCommand.class,
                MiniRedisCli.DelCommand.class, MiniRedisCli.IncrCommand.class, MiniRedisCli.PublishCommand.class,
                MiniRedisCli.SubscribeCommand.class, MiniRedisCli.CmdCommand.class, CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = MiniRedisCli.USAGE,
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:the command succeeded", "1:the server answered with an error",
                "2:the server could not be reached, or the connection was lost",
                "64:the command line is wrong"})
public final class MiniRedisCli implements Runnable {
    static final int OK = 0;
    static final int SERVER_ERROR = 1;
    static final int CONNECTION_FAILED = 2;
    static final int USAGE = 64;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--host"}, defaultValue = "127.0.0.1",
            description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "6379", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--raw", description = "Print replies as plain text, one array element a line, for scripts.")
    boolean raw;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** The command, to run with picocli: {@code new CommandLine(new MiniRedisCli()).execute(args)}. */
    public MiniRedisCli() {
    }

    /** Runs the command line {@code args} and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MiniRedisCli()).execute(args));
    }

    /** With no subcommand: say that one is needed. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: ping, get, set, del, incr,"
                + " publish, subscribe or cmd (see --help)");
    }

    /** What a subcommand does with the connection; it may await. */
    @FunctionalInterface
    interface Session {
        void run(Client client, PrintWriter out) throws Exception;
    }

    /**
     * Connects, runs {@code session} on a current-thread runtime, closes, and returns the exit status,
     * printing a failure to the error stream of {@code command}.
     */
    int run(CommandSpec command, Session session) {
        if (port < 1 || port > 65_535) {
            throw new CommandLine.ParameterException(command.commandLine(), "--port must be 1 to 65535, not " + port);
        }
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        String peer = host + ":" + port;
        try (Runtime rt = Runtime.builder().currentThread().name("mini-redis-cli").build()) {
            return rt.blockOn(Weft.async(() -> {
                Client client;
                try {
                    client = Weft.timeout(CONNECT_TIMEOUT, Client.connect(host, port)).await();
                } catch (UncheckedIOException e) {
                    err.println(e.getMessage() + hint(e.getCause()));
                    return CONNECTION_FAILED;
                } catch (ElapsedException e) {
                    err.println("could not connect to " + peer + ": no answer within " + CONNECT_TIMEOUT.toSeconds()
                            + " s — is the host right, and is a firewall in the way?");
                    return CONNECTION_FAILED;
                }
                try (client) {
                    session.run(client, out);
                    return OK;
                } catch (RedisException e) {
                    err.println("(error) " + e.getMessage());
                    return SERVER_ERROR;
                } catch (UncheckedIOException e) {
                    err.println("lost the connection to " + peer + ": " + e.getMessage());
                    return CONNECTION_FAILED;
                } finally {
                    out.flush();
                    err.flush();
                }
            }));
        }
    }

    private static String hint(Throwable cause) {
        return switch (cause) {
            case ConnectException c -> " — is the server running?";
            case UnknownHostException u -> " — is the host name right?";
            case null, default -> "";
        };
    }

    void print(PrintWriter out, Frame reply) {
        out.println(ReplyFormat.format(reply, raw));
    }

    /** A subcommand: runs through its parent's connection and printing. */
    @Command(exitCodeOnInvalidInput = USAGE)
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        MiniRedisCli cli;

        @Spec
        CommandSpec spec;

        @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Override
        public Integer call() {
            return cli.run(spec, this::run);
        }

        abstract void run(Client client, PrintWriter out) throws Exception;
    }

    @Command(name = "ping", description = "Checks the server answers: prints PONG, or the message.")
    static final class PingCommand extends Sub {
        @Parameters(arity = "0..1", paramLabel = "message")
        String message;

        @Override
        void run(Client client, PrintWriter out) {
            cli.print(out, message == null ? new Frame.Simple(client.ping().await())
                    : Frame.bulk(client.ping(message).await()));
        }
    }

    @Command(name = "get", description = "Prints the value of a key, or (nil).")
    static final class GetCommand extends Sub {
        @Parameters(paramLabel = "key")
        String key;

        @Override
        void run(Client client, PrintWriter out) {
            Optional<byte[]> value = client.get(key.getBytes(UTF_8)).await();
            cli.print(out, value.<Frame>map(Frame.Bulk::new).orElse(Frame.NullBulk.INSTANCE));
        }
    }

    @Command(name = "set", description = "Sets a key to a value: prints OK, or (nil) if --nx or --xx held it back.")
    static final class SetCommand extends Sub {
        @Parameters(index = "0", paramLabel = "key")
        String key;

        @Parameters(index = "1", paramLabel = "value")
        String value;

        @ArgGroup(exclusive = true)
        Expiry expiry;

        @ArgGroup(exclusive = true)
        Condition condition;

        static final class Expiry {
            @Option(names = "--ex", paramLabel = "seconds", description = "Expire after this many seconds.")
            Long seconds;

            @Option(names = "--px", paramLabel = "millis", description = "Expire after this many milliseconds.")
            Long millis;

            @Option(names = "--keepttl", description = "Keep the key's time to live.")
            boolean keepTtl;
        }

        static final class Condition {
            @Option(names = "--nx", description = "Only set the key if it does not exist.")
            boolean nx;

            @Option(names = "--xx", description = "Only set the key if it exists.")
            boolean xx;
        }

        @Override
        void run(Client client, PrintWriter out) {
            SetOptions options = SetOptions.defaults();
            if (expiry != null) {
                options = expiry.seconds != null ? options.ex(expiry.seconds)
                        : expiry.millis != null ? options.px(expiry.millis) : options.keepTtl();
            }
            if (condition != null) {
                options = condition.nx ? options.nx() : options.xx();
            }
            boolean set = client.set(key.getBytes(UTF_8), value.getBytes(UTF_8), options).await();
            cli.print(out, set ? new Frame.Simple("OK") : Frame.NullBulk.INSTANCE);
        }
    }

    @Command(name = "del", description = "Deletes keys: prints how many existed.")
    static final class DelCommand extends Sub {
        @Parameters(arity = "1..*", paramLabel = "key")
        List<String> keys;

        @Override
        void run(Client client, PrintWriter out) {
            cli.print(out, new Frame.Int(client.del(keys.toArray(String[]::new)).await()));
        }
    }

    @Command(name = "incr", description = "Adds one to the integer at a key: prints the new value.")
    static final class IncrCommand extends Sub {
        @Parameters(paramLabel = "key")
        String key;

        @Override
        void run(Client client, PrintWriter out) {
            cli.print(out, new Frame.Int(client.incr(key).await()));
        }
    }

    @Command(name = "publish", description = "Publishes a message: prints how many subscribers received it.")
    static final class PublishCommand extends Sub {
        @Parameters(index = "0", paramLabel = "channel")
        String channel;

        @Parameters(index = "1", paramLabel = "message")
        String message;

        @Override
        void run(Client client, PrintWriter out) {
            cli.print(out, new Frame.Int(client.publish(channel, message).await()));
        }
    }

    @Command(name = "subscribe", description = "Subscribes to channels and prints their messages until Ctrl-C.")
    static final class SubscribeCommand extends Sub {
        @Parameters(arity = "1..*", paramLabel = "channel")
        List<String> channels;

        @Option(names = "--count", paramLabel = "n", description = "Exit after n messages.")
        Long count;

        @Override
        void run(Client client, PrintWriter out) {
            Subscriber sub = client.subscribe(channels.toArray(String[]::new)).await();
            out.println("Reading messages... (press Ctrl-C to quit)");
            int n = 0;
            for (String channel : sub.channels()) {
                cli.print(out, frame(Frame.bulk("subscribe"), Frame.bulk(channel), new Frame.Int(++n)));
            }
            out.flush();
            Stream<Message> messages = count == null ? sub.messages() : sub.messages().take(count);
            for (Message m; (m = messages.next().await()) != null; ) {
                cli.print(out, m.pattern() == null
                        ? frame(Frame.bulk("message"), Frame.bulk(m.channel()), new Frame.Bulk(m.payload()))
                        : frame(Frame.bulk("pmessage"), Frame.bulk(m.pattern()), Frame.bulk(m.channel()),
                                new Frame.Bulk(m.payload())));
                out.flush();
            }
        }

        private static Frame frame(Frame... elements) {
            return new Frame.Array(List.of(elements));
        }
    }

    @Command(name = "cmd",
            description = "Sends any command, word by word, and prints the reply: cmd mset user:1 Ada user:2 Grace")
    static final class CmdCommand extends Sub {
        @Parameters(arity = "1..*", paramLabel = "word")
        List<String> words;

        @Override
        void run(Client client, PrintWriter out) {
            cli.print(out, client.command(words.toArray(String[]::new)).await());
        }
    }
}
