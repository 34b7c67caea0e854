package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;
import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** getValue and putValue: the record lookups, over {@link KadDht#lookup}. */
final class KadValues {
    private final KadDht dht;
    private final RecordValidators validators;

    KadValues(KadDht dht, RecordValidators validators) {
        this.dht = dht;
        this.validators = validators;
    }

    CompletableFuture<Optional<byte[]>> get(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        List<byte[]> values = new ArrayList<>();
        try {
            validators.keyText(k);
            RecordStore store = dht.store();
            RecordStore.Entry held = store == null ? null : store.get(k);
            if (held != null && valid(k, held.value())) {
                values.add(held.value());
            }
        } catch (InvalidRecordException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message request = KadMessages.getValue(k);
        return dht.lookup(KadId.ofKey(k), request, List.of(), (from, answer) -> {
            if (answer.hasRecord() && answer.getRecord().getKey().equals(request.getKey())) {
                byte[] v = answer.getRecord().getValue().toByteArray();
                if (valid(k, v)) {
                    values.add(v);
                }
            }
            return false;
        }).thenApply(r -> values.isEmpty() ? Optional.empty() : Optional.of(values.get(validators.select(k, values))));
    }

    CompletableFuture<Integer> put(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        Message put = KadMessages.putValue(k, value);
        try {
            validators.validate(k, value);
            dht.storeLocally(put);
        } catch (InvalidRecordException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message findNode = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(k)).build();
        return dht.lookup(KadId.ofKey(k), findNode, List.of(), (from, answer) -> false).thenCompose(r -> {
            List<CompletableFuture<Boolean>> puts = new ArrayList<>();
            for (KadPeer p : r.closest()) {
                puts.add(dht.queries().send(p, put).handle((echo, e) -> e == null && put.equals(echo)));
            }
            return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> (int) puts.stream().filter(CompletableFuture::join).count());
        });
    }

    private boolean valid(byte[] key, byte[] value) {
        try {
            validators.validate(key, value);
            return true;
        } catch (Libp2pException e) {
            return false;
        }
    }
}
