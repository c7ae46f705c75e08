package dev.weft.redis;

/**
 * The bytes from a client are not RESP2, or break one of the server's limits. The message is what
 * Redis would say after {@code -ERR Protocol error: }; the connection is closed after the reply.
 */
public final class ProtocolException extends RuntimeException {
    /** A protocol error with Redis's text for it (without the {@code ERR Protocol error: } prefix). */
    public ProtocolException(String message) {
        super(message);
    }
}
