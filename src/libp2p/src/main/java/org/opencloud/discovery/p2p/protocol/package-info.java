/** The protocols every node serves, whatever its application: identify and ping. */
package org.opencloud.discovery.p2p.protocol;
