package dev.idstream.core.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactUri;
import dev.idstream.core.artifacts.ObjectStorage;
import dev.idstream.core.artifacts.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bundle under an S3 prefix ({@code s3://bucket/models/face-1.0.0/}), synced into a local cache folder because
 * ONNX Runtime loads models by path. Files whose cached copy already has the sha256 that {@code bundle.json} names
 * are not downloaded again; {@link ModelBundle#load} verifies everything after the sync.
 */
public final class S3BundleSource implements BundleSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStorage storage;
    private final ArtifactUri prefix;
    private final Path cacheRoot;

    /** @param uri {@code s3://bucket/prefix} of the folder holding {@code bundle.json} */
    public S3BundleSource(ObjectStorage storage, String uri, Path cacheRoot) {
        this.storage = storage;
        this.prefix = ArtifactUri.parse(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
        this.cacheRoot = cacheRoot;
    }

    @Override
    public String location() {
        return "s3://" + prefix.bucket() + "/" + prefix.key();
    }

    @Override
    public Path folder() throws IOException {
        Path folder = cacheRoot.resolve(prefix.bucket()).resolve(prefix.key());
        Files.createDirectories(folder);
        Path manifestPart = download("bundle.json", folder.resolve("bundle.json.part"));
        JsonNode root = JSON.readTree(manifestPart.toFile());
        for (Map.Entry<String, String> file : listedFiles(root).entrySet()) {
            Path local = folder.resolve(safeName(file.getKey()));
            if (file.getValue() != null && Files.isRegularFile(local) && Sha256.hex(local).equals(file.getValue())) {
                continue;
            }
            Files.createDirectories(local.getParent());
            Files.move(download(file.getKey(), local.resolveSibling(local.getFileName() + ".part")), local,
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        // The manifest goes last: a folder with a bundle.json is a complete sync.
        Files.move(manifestPart, folder.resolve("bundle.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return folder;
    }

    /** Every file the manifest names (models, external data, auxiliary files) with its sha256 where given. */
    private static Map<String, String> listedFiles(JsonNode root) {
        Map<String, String> files = new LinkedHashMap<>();
        root.path("models").forEach(model -> {
            files.put(model.path("file").asText(), model.path("sha256").asText(null));
            model.path("externalData").forEach(ext -> {
                if (ext.isTextual()) {
                    files.put(ext.asText(), null);
                } else {
                    files.put(ext.path("file").asText(), ext.path("sha256").asText(null));
                }
            });
        });
        root.path("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().path("sha256").asText(null)));
        return files;
    }

    /** Names come from a remote manifest: keep every write inside the cache folder. */
    private static String safeName(String name) throws IOException {
        if (name.isBlank() || name.startsWith("/") || name.contains("\\") || Path.of(name).normalize().startsWith("..")
                || name.contains("/../")) {
            throw new IOException("bundle.json names a file outside the bundle folder: '" + name + "'");
        }
        return name;
    }

    private Path download(String name, Path target) throws IOException {
        String key = prefix.key() + "/" + safeName(name);
        try (InputStream in = storage.open(prefix.bucket(), key)
                .orElseThrow(() -> new IOException("s3://" + prefix.bucket() + "/" + key + " does not exist"))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (StageException.Transient e) {
            throw new IOException("S3 is unreachable: " + e.getMessage(), e);
        }
    }
}
