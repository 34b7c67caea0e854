/**
 * Messages on NATS and on libp2p resource streams, and the codec that reads and writes them.
 * The {@link org.opencloud.discovery.propagation.codec.CodecTable} (defaults in
 * {@code codec-default.properties}, overridable from a file) holds field names, enum
 * numbering (oc-lib's Go iota lists as default: actions PB_SEARCH=0 ... PB_MINIO_CONFIG=10,
 * data types INVALID=0 ... PEER=9 ... BOOKING=12, relations NONE=0 ... BLACKLIST=3) and the
 * written forms; readers accept every form the table allows, writers write the configured one.
 */
package org.opencloud.discovery.propagation.codec;
