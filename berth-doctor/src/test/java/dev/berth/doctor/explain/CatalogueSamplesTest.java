package dev.berth.doctor.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every signature of the catalogue against a recorded log sample (wording from the sources cited in
 * ci-failures.md, or from real runs): the signature must be the best candidate for its line.
 * The real-tool runs are in RealFailuresTest.
 */
class CatalogueSamplesTest {
  static final Map<String, String> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("berth-anonymous-push-skew", """
        $ docker push registry.example.com:5000/hoge/fuga/app:1
        The push refers to repository [registry.example.com:5000/hoge/fuga/app]
        5f70bf18a086: Preparing
        unauthorized: push to hoge/fuga/app refused: no credentials reached the registry (the request was anonymous). Your docker CLI 1.13.1 is talking to docker daemon 20.10.24: docker CLIs 1.12/1.13 as shipped by CentOS/RHEL (yum install docker) send the login in a form newer daemons ignore (X-Registry-Auth as a map), so the daemon pushed anonymously even though docker login said Login Succeeded (the daemon wants docker-ce-cli 20.10.24, not the distribution's docker package); fix: install a docker CLI matching the daemon
        """);
    SAMPLES.put("berth-denied", """
        denied: push to hoge/fuga/app refused: user "ci-bot" has pull on namespace "hoge" (grant #1) but not push, so its token does not include push; ask an admin to run: berth grant push hoge/fuga ci-bot
        """);
    SAMPLES.put("berth-login-failed", """
        Error response from daemon: Get "https://registry.example.com/v2/": unauthorized: login failed for user "ci-bot": wrong password; check the password your client sends (docker login / berth login stores it); an admin can reset it: berth user passwd ci-bot
        """);
    SAMPLES.put("berth-ci-token-expired", """
        Error response from daemon: Get "https://registry.example.com/v2/": unauthorized: CI token #7 of user "alice" expired at 2026-11-30T10:00:00Z (it was created at 2026-11-30T09:00:00Z); create a new one for this job: berth token create --ci --push hoge --ttl 1h
        """);
    SAMPLES.put("berth-login-required", """
        Error response from daemon: pull access denied for registry.example.com/hoge/app, repository does not exist or may require 'docker login': unauthorized: authentication required: this registry needs a login; log in: docker login registry.example.com (or berth login registry.example.com)
        """);
    SAMPLES.put("berth-login-throttled", """
        Error response from daemon: Get "https://registry.example.com/v2/": toomanyrequests: too many failed logins from 10.0.0.7 (5 in a row); retry in 60 s, after 10:01:00 UTC, with the right password or token
        """);
    SAMPLES.put("credentials-dropped-client-daemon", """
        $ yum install -y docker
        Installed: docker.x86_64 2:1.13.1-209.git7d71120.el7.centos
        $ docker login -u gitlab-user -p **** registry.gitlab.com
        Login Succeeded
        $ docker push registry.gitlab.com/hoge/fuga/nyanyanya/scala:1.0
        The push refers to repository [registry.gitlab.com/hoge/fuga/nyanyanya/scala]
        a1b2c3d4e5f6: Preparing
        denied: access forbidden
        """);
    SAMPLES.put("login-other-user-or-daemon", """
        $ docker login -u deploy -p **** registry.example.com
        Login Succeeded
        $ sudo docker push registry.example.com/team/app:1
        The push refers to repository [registry.example.com/team/app]
        denied: requested access to the resource is denied
        """);
    SAMPLES.put("gitlab-job-token-other-project", """
        $ docker login -u gitlab-ci-token -p $CI_JOB_TOKEN registry.gitlab.com
        Login Succeeded
        $ docker push registry.gitlab.com/other-group/other-project/app:1
        denied: access forbidden
        """);
    SAMPLES.put("denied-insufficient-scope", """
        $ docker push myapp:1
        The push refers to repository [docker.io/library/myapp]
        denied: requested access to the resource is denied
        """);
    SAMPLES.put("unauthorized-on-push", """
        time="2024-01-01T10:00:00Z" level=debug msg="PATCH https://registry.example.com/v2/app/blobs/uploads/1234 via nginx proxy"
        unauthorized: authentication required
        """);
    SAMPLES.put("gitlab-http-basic-denied", """
        Error response from daemon: Get "https://registry.gitlab.com/v2/": unauthorized: HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.
        """);
    SAMPLES.put("wrong-credentials", """
        Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password
        """);
    SAMPLES.put("no-basic-auth-credentials", """
        $ docker pull 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
        Error response from daemon: Head "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/manifests/1": no basic auth credentials
        """);
    SAMPLES.put("token-insufficient-scopes", """
        #12 ERROR: failed to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Auser%2Fapp%3Apull%2Cpush&service=registry.docker.io: 401 Unauthorized: access token has insufficient scopes
        """);
    SAMPLES.put("ghcr-write-package", """
        ERROR: failed to solve: failed to push ghcr.io/org/app:latest: unexpected status from POST request to https://ghcr.io/v2/org/app/blobs/uploads/: 403 Forbidden
        denied: installation not allowed to Write organization package
        """);
    SAMPLES.put("token-expired", """
        denied: Your authorization token has expired. Reauthenticate and try again.
        """);
    SAMPLES.put("clock-skew", """
        time="2024-05-01T10:00:00Z" level=warning msg="error authorizing context: invalid token: token not to be used before 2024-05-01T10:00:42Z - currently 2024-05-01T10:00:00Z"
        """);
    SAMPLES.put("credential-store-headless", """
        Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`
        """);
    SAMPLES.put("dind-pull-access-denied", """
        Using docker image sha256:abc for docker:24.0.7-dind with digest docker@sha256:def ...
        Error response from daemon: pull access denied for registry.example.com/team/base, repository does not exist or may require 'docker login': denied: requested access to the resource is denied
        """);
    SAMPLES.put("empty-error-body", """
        Error response from daemon: Get "https://registry.gitlab.com/v2/": error parsing HTTP 403 response body: unexpected end of JSON input: ""
        """);
    SAMPLES.put("x509-unknown-authority", """
        Error response from daemon: Get "https://registry.internal:5000/v2/": x509: certificate signed by unknown authority
        """);
    SAMPLES.put("x509-name-mismatch", """
        Error response from daemon: Get "https://10.1.2.3:5000/v2/": x509: certificate is valid for registry.internal, not 10.1.2.3
        """);
    SAMPLES.put("x509-expired", """
        Error response from daemon: Get "https://registry.internal/v2/": x509: certificate has expired or is not yet valid: current time 2025-01-01T00:00:00Z is after 2024-12-31T23:59:59Z
        """);
    SAMPLES.put("http-response-to-https", """
        Error response from daemon: Get "https://registry.example.com:5000/v2/": http: server gave HTTP response to HTTPS client
        """);
    SAMPLES.put("request-entity-too-large", """
        error parsing HTTP 413 response body: invalid character '<' looking for beginning of value: "<html>\\r\\n<head><title>413 Request Entity Too Large</title></head>\\r\\n<body>\\r\\n<center><h1>413 Request Entity Too Large</h1></center>\\r\\n<hr><center>nginx</center>"
        """);
    SAMPLES.put("proxy-html-body", """
        error parsing HTTP 403 response body: invalid character '<' looking for beginning of value: "<html><head><title>Access Denied</title></head><body>Reference #18.abc</body></html>"
        """);
    SAMPLES.put("blob-upload-unknown", """
        blob upload unknown: blob upload unknown to registry
        time="2024-01-01" level=warning msg="No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer."
        """);
    SAMPLES.put("blob-unknown-at-manifest", """
        manifest blob unknown: blob unknown to registry
        """);
    SAMPLES.put("manifest-invalid", """
        #15 exporting to image
        #15 pushing manifest for registry.example.com/app:1@sha256:aaa with attestation-manifest (provenance)
        ERROR: failed to solve: failed to push registry.example.com/app:1: failed commit on ref "index-sha256:aaa": unexpected status: 400 Bad Request {"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{}}]}
        """);
    SAMPLES.put("schema1-rejected", """
        $ docker version
        Client:
         Version:      1.9.1
        $ docker push registry.gitlab.com/group/project:1
        Received unexpected HTTP status: 500 Internal Server Error
        """);
    SAMPLES.put("ecr-repository-missing", """
        name unknown: The repository with name 'contenttech/telegram-send-docker' does not exist in the registry with id '123456789012'
        """);
    SAMPLES.put("name-unknown", """
        name unknown: repository name not known to registry
        """);
    SAMPLES.put("manifest-unknown", """
        Error response from daemon: manifest for registry.example.com/app:2 not found: manifest unknown: manifest unknown
        """);
    SAMPLES.put("tag-immutable", """
        tag invalid: The image tag '1.0' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.
        """);
    SAMPLES.put("cross-repo-mount-refused", """
        ERROR: failed to push: POST https://registry.gitlab.com/v2/group/b/blobs/uploads/?mount=sha256:abc&from=group/a: 403 Forbidden
        """);
    SAMPLES.put("rate-limited", """
        toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit
        """);
    SAMPLES.put("daemon-unreachable", """
        $ export DOCKER_HOST=tcp://docker:2375
        Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?
        """);
    SAMPLES.put("api-too-old", """
        Error response from daemon: client version 1.40 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version
        """);
    SAMPLES.put("unqualified-name-search", """
        Error: short-name "app" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"
        """);
    SAMPLES.put("network-connection-refused", """
        Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused
        """);
    SAMPLES.put("network-dns", """
        Error response from daemon: Get "https://registry.internal/v2/": dial tcp: lookup registry.internal on 127.0.0.11:53: no such host
        """);
    SAMPLES.put("network-timeout", """
        Error response from daemon: Get "https://registry.example.com/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)
        """);
    SAMPLES.put("old-docker-dockerfile-features", """
        [info] Executing docker build for sbt-native-packager
        Error response from daemon: Dockerfile parse error line 12: Unknown flag: chown
        [error] Nonzero exit value: 1
        """);
    SAMPLES.put("jib-unauthorized", """
        [ERROR] Failed to execute goal com.google.cloud.tools:jib-maven-plugin:3.4.0:build (default-cli) on project app: Build image failed, perhaps you should make sure your credentials for 'registry.example.com/app' are set up correctly. See https://github.com/GoogleContainerTools/jib/blob/master/docs/faq.md#what-should-i-do-when-the-registry-responds-with-unauthorized for help: Unauthorized for registry.example.com/app: 401 Unauthorized
        """);
    SAMPLES.put("jib-insecure-registry", """
        [ERROR] Failed to execute goal com.google.cloud.tools:jib-maven-plugin:3.4.0:build: Build image failed: Failed to connect to 127.0.0.1:5000 over HTTPS. If you trust the registry, set allowInsecureRegistries
        """);
    SAMPLES.put("buildkit-anonymous-token", """
        #8 ERROR: failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized
        """);
    SAMPLES.put("skopeo-auth-file", """
        time="2026-12-01T19:28:14Z" level=fatal msg="trying to reuse blob sha256:dfb2 at destination: checking whether a blob sha256:dfb2 exists in 127.0.0.1:5000/hoge/app: unauthorized: authentication required"
        """);
  }

  static Stream<Arguments> samples() {
    return SAMPLES.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void eachSignatureIsTheBestCandidateForItsSample(String id, String log) {
    List<Diagnosis> ds = new Explainer().explain(log);
    assertThat(ds).as("diagnoses of %s", id).isNotEmpty();
    assertThat(ds.get(0).signature().id()).as("best candidate for the %s sample; all: %s", id,
        ds.stream().map(d -> d.signature().id() + "=" + d.score()).toList()).isEqualTo(id);
  }

  @Test
  void everySignatureHasASample_andThereAreAtLeastThirty() {
    Set<String> ids = Catalogue.ALL.stream().map(Signature::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(Catalogue.ALL.size()).hasSizeGreaterThanOrEqualTo(30);
    assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void everySignatureNamesItsHopAndCatalogueEntry() {
    for (Signature s : Catalogue.ALL) {
      assertThat(s.hop()).as(s.id()).isNotBlank();
      assertThat(s.catalogue()).as(s.id()).matches(".*(§|entry|entries).*");
    }
  }

  @Test
  void aLogWithoutKnownFailuresExplainsNothing() {
    assertThat(new Explainer().explain("Step 1/3 : FROM busybox\nSuccessfully built 1234\nSuccessfully tagged app:1\n")).isEmpty();
  }
}
