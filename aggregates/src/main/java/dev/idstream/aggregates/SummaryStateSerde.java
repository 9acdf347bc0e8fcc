package dev.idstream.aggregates;

import dev.idstream.events.ArtifactRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link SummaryState} for the state store and its changelog: internal to this application, so it
 * needs no schema registry; a leading version byte lets a later version read (or refuse) older state.
 */
final class SummaryStateSerde implements Serde<SummaryState> {

    private static final byte VERSION = 1;
    private static final AvroStateSerde<ArtifactRef> REFS = new AvroStateSerde<>(ArtifactRef.class);
    private static final Serializer<ArtifactRef> REF_WRITER = REFS.serializer();
    private static final Deserializer<ArtifactRef> REF_READER = REFS.deserializer();

    @Override
    public Serializer<SummaryState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<SummaryState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(SummaryState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(s.key().modelVersion());
            out.writeUTF(s.key().evalSetId());
            out.writeUTF(s.key().evaluator());
            out.writeLong(s.updatedAtMillis());
            out.writeLong(s.videos());
            out.writeLong(s.videosWithoutFace());
            for (RunningStat stat : new RunningStat[] {s.rs(), s.ifs(), s.fm(), s.fidPerFrame()}) {
                out.writeLong(stat.n());
                out.writeDouble(stat.mean());
                out.writeDouble(stat.m2());
                out.writeDouble(stat.min());
                out.writeDouble(stat.max());
            }
            out.writeLong(s.featureVideos());
            out.writeBoolean(s.stats() != null);
            if (s.stats() != null) {
                writeRef(out, s.stats());
            }
            out.writeInt(s.pendingFeatures().size());
            for (ArtifactRef ref : s.pendingFeatures()) {
                writeRef(out, ref);
            }
            out.writeBoolean(s.setFid() != null);
            out.writeDouble(s.setFid() == null ? 0 : s.setFid());
            out.writeLong(s.setFidVideos());
            out.writeLong(s.setFidGeneratedSamples());
            out.writeLong(s.setFidReferenceSamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Length-prefixed Avro binary, so that every field of the reference (dtype, shape) survives. */
    private static void writeRef(DataOutputStream out, ArtifactRef ref) throws IOException {
        byte[] bytes = REF_WRITER.serialize(null, ref);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static ArtifactRef readRef(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return REF_READER.deserialize(null, bytes);
    }

    static SummaryState read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("summary state of version " + version + ", this application reads version "
                        + VERSION + "; reset the application (kafka-streams-application-reset) to rebuild it");
            }
            SummaryKey key = new SummaryKey(in.readUTF(), in.readUTF(), in.readUTF());
            long updatedAt = in.readLong();
            long videos = in.readLong();
            long withoutFace = in.readLong();
            RunningStat[] stats = new RunningStat[4];
            for (int i = 0; i < stats.length; i++) {
                stats[i] = new RunningStat(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
            }
            long featureVideos = in.readLong();
            ArtifactRef statsRef = in.readBoolean() ? readRef(in) : null;
            int pendingCount = in.readInt();
            List<ArtifactRef> pending = new ArrayList<>(pendingCount);
            for (int i = 0; i < pendingCount; i++) {
                pending.add(readRef(in));
            }
            boolean hasFid = in.readBoolean();
            double fid = in.readDouble();
            return new SummaryState(key, updatedAt, videos, withoutFace, stats[0], stats[1], stats[2], stats[3],
                    featureVideos, statsRef, pending, hasFid ? fid : null, in.readLong(), in.readLong(), in.readLong());
        } catch (IOException e) {
            throw new SerializationException("cannot read a summary state of " + bytes.length + " bytes: " + e.getMessage(), e);
        }
    }
}
