package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker CLI (Debian's docker.io 20.10, legacy builder) against the registry: build, tag,
 * push, remove every local copy, pull, and check what a user would check. The registry is plain
 * HTTP on 127.0.0.1, which dockerd treats as an insecure registry without configuration.
 */
abstract class DockerCliTests extends RegistryTestBase {
  private static final Pattern PUSHED = Pattern.compile("(?m)^(\\S+): digest: (sha256:[a-f0-9]{64}) size: (\\d+)$");

  private DockerEngine engine;
  private final List<String> createdImages = new ArrayList<>();

  @BeforeAll
  final void startDocker() {
    engine = DockerEngine.get();
  }

  @AfterEach
  final void removeLocalImages() {
    // keep the vfs daemon small: whatever a test left behind goes
    for (String ref : createdImages) {
      engine.docker("rmi", "--force", ref).run();
    }
    createdImages.clear();
  }

  @Override
  protected List<String> diagnostics() {
    List<String> out = new ArrayList<>(super.diagnostics());
    if (engine != null) {
      out.add(engine.daemonOutputTail(30));
    }
    return out;
  }

  @Test
  void scratchImageWithCopiedFileRoundTripsThroughAThreeLevelRepository() throws IOException {
    Path ctx = engine.workDir("scratch");
    String content = "hello from a FROM-scratch image pushed to " + target().id() + "\n";
    Files.writeString(ctx.resolve("hello.txt"), content);
    Files.writeString(ctx.resolve("Dockerfile"), """
        FROM scratch
        COPY hello.txt /hello.txt
        LABEL dev.berth.it.target="%s"
        """.formatted(target().id()));
    String local = "berth-it/scratch-" + target().id() + ":1";
    String remote = host() + "/hoge/fuga/nyanyanya:1";
    String repo = "hoge/fuga/nyanyanya";

    build(local, ctx);
    String imageId = imageId(local);
    tag(local, remote);

    Command.Result push = engine.dockerOk("push", remote);
    Pushed pushed = pushed(push, "1");
    assertManifestServedAsPushed(repo, "1", pushed);

    engine.dockerOk("rmi", local, remote);
    assertThat(engine.hasImage(imageId)).as("image %s still present after docker rmi", imageId).isFalse();

    Command.Result pull = engine.dockerOk("pull", remote);
    assertThat(pull.stdout()).as(pull.describe()).contains("Digest: " + pushed.digest());
    assertThat(imageId(remote)).as("image id after pull (the config digest) must equal the id that was built").isEqualTo(imageId);
    JsonNode repoDigests = inspect(remote).get("RepoDigests");
    assertThat(repoDigests.toString()).contains(host() + "/" + repo + "@" + pushed.digest());

    // pulling by digest works too and gives the same image
    String byDigest = host() + "/" + repo + "@" + pushed.digest();
    createdImages.add(byDigest);
    engine.dockerOk("pull", byDigest);
    assertThat(imageId(byDigest)).isEqualTo(imageId);

    // the file that was COPY'd is there, byte for byte (a scratch image can't run, so docker cp it out)
    String container = engine.dockerOk("create", remote, "/not-run").stdout().strip();
    try {
      Path out = ctx.resolve("out");
      Files.createDirectories(out);
      engine.dockerOk("cp", container + ":/hello.txt", out.resolve("hello.txt").toString());
      assertThat(Files.readString(out.resolve("hello.txt"))).isEqualTo(content);
    } finally {
      engine.docker("rm", container).run();
    }
  }

  @Test
  void busyboxBasedImageRunsAfterPushRemoveAndPull() throws IOException {
    String baseId = BusyboxImage.ensure(engine);
    Path ctx = engine.workDir("busybox");
    String line = "hello from berth-it: pulled back from " + target().id();
    Files.writeString(ctx.resolve("greeting.txt"), line + "\n");
    Files.writeString(ctx.resolve("Dockerfile"), """
        FROM %s
        COPY greeting.txt /greeting.txt
        CMD ["cat", "/greeting.txt"]
        """.formatted(BusyboxImage.NAME));
    String local = "berth-it/greeter-" + target().id() + ":1";
    String repo = "hoge/fuga/greeter";
    String remote = host() + "/" + repo + ":1";

    build(local, ctx);
    String imageId = imageId(local);
    assertThat(run(local)).isEqualTo(line);
    tag(local, remote);
    Pushed pushed = pushed(engine.dockerOk("push", remote), "1");
    assertManifestServedAsPushed(repo, "1", pushed);
    JsonNode manifest = new RegistryHttp(host()).manifest(repo, pushed.digest()).json();
    assertThat(manifest.get("layers")).as("base layer + COPY layer").hasSize(2);

    // remove every local copy, the base included, so the run below can only use what was pulled
    engine.dockerOk("rmi", local, remote, BusyboxImage.NAME);
    assertThat(engine.hasImage(imageId)).isFalse();
    assertThat(engine.hasImage(baseId)).isFalse();

    Command.Result pull = engine.dockerOk("pull", remote);
    assertThat(pull.stdout()).as(pull.describe()).contains("Digest: " + pushed.digest());
    assertThat(imageId(remote)).isEqualTo(imageId);
    assertThat(run(remote)).isEqualTo(line);
  }

  @Test
  void pushingTheSameLayersToAnotherRepositoryMountsThem() throws IOException {
    BusyboxImage.ensure(engine);
    Path ctx = engine.workDir("mount");
    Files.writeString(ctx.resolve("data.txt"), "layers shared between repositories on " + target().id() + "\n");
    Files.writeString(ctx.resolve("Dockerfile"), """
        FROM %s
        COPY data.txt /data.txt
        CMD ["cat", "/data.txt"]
        """.formatted(BusyboxImage.NAME));
    String local = "berth-it/mounted-" + target().id() + ":1";
    String first = host() + "/team-a/tools/app:1";
    String second = host() + "/team-b/tools/app:1";

    build(local, ctx);
    tag(local, first);
    tag(local, second);
    Pushed one = pushed(engine.dockerOk("push", first), "1");
    Command.Result push2 = engine.dockerOk("push", second);
    Pushed two = pushed(push2, "1");

    // docker remembers that the layers are in team-a/tools/app and asks the registry to mount them
    // (POST /v2/team-b/tools/app/blobs/uploads/?mount=<digest>&from=team-a/tools/app)
    assertThat(push2.stdout()).as(push2.describe()).contains("Mounted from team-a/tools/app");
    assertThat(two.digest()).isEqualTo(one.digest());
    assertManifestServedAsPushed("team-b/tools/app", "1", two);
    RegistryHttp http = new RegistryHttp(host());
    for (JsonNode layer : http.manifest("team-b/tools/app", "1").json().get("layers")) {
      String digest = layer.get("digest").asText();
      RegistryHttp.Response blob = http.blob("team-b/tools/app", digest).assertStatus(200, "mounted blob " + digest);
      assertThat(Sha256.of(blob.body())).isEqualTo(digest);
    }
  }

  @Test
  void pushingAnotherImageToATagMovesItAndTheOldDigestStaysPullable() throws IOException {
    String repo = "hoge/fuga/moving";
    String remote = host() + "/" + repo + ":latest";
    Pushed[] pushes = new Pushed[2];
    String[] ids = new String[2];
    for (int i = 0; i < 2; i++) {
      Path ctx = engine.workDir("move");
      Files.writeString(ctx.resolve("version.txt"), "version " + (i + 1) + " on " + target().id() + "\n");
      Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY version.txt /version.txt\n");
      String local = "berth-it/moving-" + target().id() + ":" + (i + 1);
      build(local, ctx);
      ids[i] = imageId(local);
      tag(local, remote);
      pushes[i] = pushed(engine.dockerOk("push", remote), "latest");
    }
    assertThat(pushes[1].digest()).isNotEqualTo(pushes[0].digest());
    assertManifestServedAsPushed(repo, "latest", pushes[1]);

    engine.dockerOk("rmi", "berth-it/moving-" + target().id() + ":1", "berth-it/moving-" + target().id() + ":2", remote);
    engine.dockerOk("pull", remote);
    assertThat(imageId(remote)).as("latest now is the second image").isEqualTo(ids[1]);
    String old = host() + "/" + repo + "@" + pushes[0].digest();
    createdImages.add(old);
    engine.dockerOk("pull", old);
    assertThat(imageId(old)).as("the first image is still there by digest").isEqualTo(ids[0]);
  }

  @Test
  void pullingATagThatWasNeverPushedSaysManifestUnknown() {
    Command.Result pull = engine.docker("pull", host() + "/hoge/fuga/never-pushed:1").run().assertFailure();
    // docker prints the registry's error code and message: the user must see what is missing
    assertThat(pull.stderr()).as(pull.describe()).containsIgnoringCase("manifest unknown");
    assertThat(pull.stderr()).contains("never-pushed");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private record Pushed(String tag, String digest, long size) {}

  private void build(String tag, Path ctx) {
    createdImages.add(tag);
    engine.dockerOk("build", "--network", "none", "-t", tag, ctx.toString());
  }

  private void tag(String source, String target) {
    createdImages.add(target);
    engine.dockerOk("tag", source, target);
  }

  private String imageId(String ref) {
    return engine.dockerOk("image", "inspect", "--format", "{{.Id}}", ref).stdout().strip();
  }

  private JsonNode inspect(String ref) {
    try {
      return RegistryHttp.JSON.readTree(engine.dockerOk("image", "inspect", ref).stdout()).get(0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private String run(String ref) {
    return engine.dockerOk("run", "--rm", "--network", "none", ref).stdout().strip();
  }

  /** Parses docker push's closing line {@code <tag>: digest: sha256:... size: N}. */
  private static Pushed pushed(Command.Result push, String tag) {
    Matcher m = PUSHED.matcher(push.stdout());
    assertThat(m.find()).as("docker push printed no '<tag>: digest: ... size: ...' line:\n%s", push.describe()).isTrue();
    assertThat(m.group(1)).isEqualTo(tag);
    return new Pushed(m.group(1), m.group(2), Long.parseLong(m.group(3)));
  }

  /** What docker push reported is what the registry serves: same digest header, same bytes. */
  private void assertManifestServedAsPushed(String repo, String tag, Pushed pushed) {
    RegistryHttp.Response r = new RegistryHttp(host()).manifest(repo, tag).assertStatus(200, "GET manifest " + repo + ":" + tag);
    assertThat(r.dockerContentDigest()).as("Docker-Content-Digest of %s:%s", repo, tag).isEqualTo(pushed.digest());
    assertThat(Sha256.of(r.body())).as("sha256 of the manifest bytes served").isEqualTo(pushed.digest());
    assertThat((long) r.body().length).as("manifest size").isEqualTo(pushed.size());
    assertThat(r.contentType()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
  }
}
