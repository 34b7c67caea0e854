/**
 * Who may do what (spec 4): BLACKLIST peers are refused at connection time, inbound
 * create/update/delete come only from PARTNER peers, considers only from known peers.
 * Decisions read the peer directory at each call, so live relation changes apply at once.
 */
package org.opencloud.discovery.propagation.security;
