package dev.weft.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.stream.Stream;

/**
 * The test JVM's resolver (installed through {@code META-INF/services}): the JDK's own for every name
 * but {@value #TWO_ADDRESSES}, which resolves to an address where nothing listens (127.0.0.2) followed
 * by 127.0.0.1, so a test can see a connect by name go on past a refused address.
 */
public final class TestHostsResolver extends InetAddressResolverProvider {
    static final String TWO_ADDRESSES = "refused-then-loopback.weft.test";

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.equals(TWO_ADDRESSES)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 2}),
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "weft-test-hosts";
    }
}
