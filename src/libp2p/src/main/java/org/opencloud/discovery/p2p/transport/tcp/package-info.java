/**
 * TCP transport on Netty: event loops (epoll where the native library loads, NIO otherwise),
 * listening sockets and dials. It hands raw channels to the upgrader and knows nothing of the
 * layers above.
 */
package org.opencloud.discovery.p2p.transport.tcp;
