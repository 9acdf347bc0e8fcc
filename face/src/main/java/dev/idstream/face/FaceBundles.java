package dev.idstream.face;

import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loading the face bundle a stage is configured with, with an error that says how to get one. */
public final class FaceBundles {

    private FaceBundles() {
    }

    /**
     * Loads and verifies the bundle in {@code folder} (hashes, manifest), and checks the face roles' constants
     * (detector family and its constants, identity and FID input/output declarations) without opening a model;
     * a missing bundle names the command that prepares it.
     */
    public static ModelBundle load(Path folder) {
        if (!Files.isRegularFile(folder.resolve("bundle.json"))) {
            throw new IllegalStateException("no face bundle in " + folder + " (models.face.bundle): './idstream models prepare' "
                    + "writes one to " + FaceBundlePreparer.defaultBundleDir() + ", or 'cd models/face && /usr/bin/python3 -m "
                    + "idstream_face.prepare --out " + folder + "'");
        }
        ModelBundle bundle = ModelBundle.load(folder);
        if (!"face".equals(bundle.kind())) {
            throw new BundleException(bundle.location(), java.util.List.of("kind is '" + bundle.kind() + "', a face bundle is needed"));
        }
        checkRoleConstants(bundle);
        return bundle;
    }

    /** Parses what the face toolkit reads from each role it uses; throws a {@link BundleException} naming each bad field. */
    public static void checkRoleConstants(ModelBundle bundle) {
        if (bundle.roles().contains("detector")) {
            DetectorSpec.of(bundle.location(), bundle.model("detector"));
        }
        if (bundle.roles().contains("identity")) {
            FaceEmbedder.Spec.of(bundle);
        }
        if (bundle.roles().contains("fid_features")) {
            InceptionFeatures.spec(bundle);
        }
    }

    /**
     * The bundle in {@code folder}, prepared first when it is the default location and absent (the embedded
     * mode needs nothing installed beforehand); any other folder must already hold a bundle.
     */
    public static ModelBundle loadOrPrepareDefault(Path folder) {
        if (folder.equals(FaceBundlePreparer.defaultBundleDir()) && !Files.isRegularFile(folder.resolve("bundle.json"))) {
            FaceBundlePreparer.fromSourceTree().prepare(folder, false);
        }
        return load(folder);
    }
}
