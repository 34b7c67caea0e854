/**
 * The README's first command: two local nodes with their own nats-servers carry one resource from A's NATS
 * to B's. A module of its own so that a production node's jar and image never carry it (it may install
 * nats-server with apt-get).
 */
package org.opencloud.discovery.demo;
