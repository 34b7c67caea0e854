/**
 * What a receiver remembers to publish each event at most once: the ids of the events it published recently,
 * per sender, in memory and in a log under the node's data directory that outlives restarts and kills, bounded by
 * count per sender and by age.
 */
package org.opencloud.discovery.propagation.dedup;
