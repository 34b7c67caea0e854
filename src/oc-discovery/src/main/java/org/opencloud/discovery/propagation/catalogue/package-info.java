/**
 * The resources a node answers searches from (PB_SEARCH of data types other than PEER): one
 * {@link org.opencloud.discovery.propagation.catalogue.ResourceCatalogue} interface, by default the node's own
 * store of the resources it propagates ({@link org.opencloud.discovery.propagation.catalogue.EmbeddedResourceCatalogue}
 * in-process, or {@link org.opencloud.discovery.propagation.catalogue.MongoResourceCatalogue} on the operator's
 * MongoDB), or an oc-lib MongoDB's collections read in place
 * ({@link org.opencloud.discovery.propagation.catalogue.OcLibResourceCatalogue}). Field names come from
 * configuration ({@link org.opencloud.discovery.propagation.catalogue.ResourceFields}).
 */
package org.opencloud.discovery.propagation.catalogue;
