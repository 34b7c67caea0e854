package org.opencloud.discovery.p2p;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stack is a library any Java application can take: not even its tests have Camel on the class path
 * (the module's enforcer rule refuses it in every scope), nor a native transport to impose.
 */
class StackClassPathTest {
    @Test
    void noCamelAnywhereOnTheStacksClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.camel.CamelContext"));
    }

    @Test
    void noNativeTransportImposed() {
        // epoll's classes are here; its native library is the application's to add (the product does)
        assertFalse(Epoll.isAvailable(), "netty-transport-native-epoll on the stack's class path");
    }
}
