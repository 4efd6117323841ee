package dev.berth.doctor.explain;

import static dev.berth.doctor.explain.Signature.sig;

import java.util.List;

/**
 * The failure catalogue of ../shared/docs/ci-failures.md as data: every signature the explainer
 * knows. Order does not matter; scores do. Evidence weights: +5 near-proof, +3 strong, +1 weak,
 * negative when a clue points elsewhere.
 */
public final class Catalogue {
  private Catalogue() {}

  public static final String CLIENT_DAEMON = "client → daemon";
  public static final String TOKEN = "daemon → token service";
  public static final String REGISTRY = "daemon → registry";
  public static final String PROXY = "proxy in front of the registry";
  public static final String TLS = "TLS (before HTTP)";
  public static final String NETWORK = "network (DNS/TCP)";
  public static final String CLIENT = "client (local)";
  public static final String BUILD = "build (daemon/builder)";

  // clues shared by several signatures
  private static final String LOGIN_OK = "Login Succeeded";
  private static final String RH_CLIENT = "(Version:\\s+1\\.1[23]\\.\\d|Docker version 1\\.1[23]\\.|docker-1\\.1[23]\\.\\d+-\\d+|\\.el7(\\.centos)?|Git commit:\\s+[0-9a-f]{7,}/1\\.1[23]|Docker-Client/1\\.1[23]|docker-client-1\\.1[23])";
  private static final String DISTRO_DOCKER_INSTALL = "(yum|dnf)\\s+(-y\\s+)?install\\s+(-y\\s+)?(docker|docker-client|docker-common)(\\s|$)";

  public static final List<Signature> ALL = List.of(
      // ---------- berth's own explanations (the registry already said what is wrong) ----------
      sig("berth-anonymous-push-skew").title("berth saw an anonymous push from a docker CLI far behind its daemon")
          .hop(CLIENT_DAEMON).ref("§1, entry 1 (berth explained it)").prior(14)
          .on("refused: no credentials reached the registry.*Your docker CLI \\S+ is talking to docker daemon")
          .extract("(?<action>push|pull|delete) (?:to|from|in) (?<repository>\\S+) refused: .*Your docker CLI (?<cliVersion>\\S+) is talking to docker daemon (?<daemonVersion>[^:\\s]+)")
          .cause("the registry received the push without credentials and read from the User-Agent that a docker CLI of an older generation called a newer daemon:"
              + " the CLI's login (X-Registry-Auth) was not understood by the daemon, so the daemon pushed anonymously although docker login said Login Succeeded")
          .fix("install docker-ce-cli at the daemon's version (or use the docker:<daemon>-cli image) instead of the distribution's docker package; check with berth doctor env").build(),
      sig("berth-denied").title("berth refused the request and said why").hop(REGISTRY).ref("§2 entry 2 (berth explained it)").prior(12)
          .on("(denied|unauthorized): (push to|pull from|delete in) \\S+ refused: ")
          .extract("(?<action>push|pull|delete) (?:to|from|in) (?<repository>\\S+) refused: (?<why>[^;]+)(?:; (?<remedy>.*))?")
          .cause("the registry already explained this denial: the principal, the rule and the missing permission are in the message")
          .fix("do what the message's remedy says (the part after the last ';'); an admin can see the same decision with: berth audit --denied").build(),
      sig("berth-login-failed").title("berth refused the login").hop(TOKEN).ref("§2 entry 4 (berth explained it)").prior(12)
          .on("unauthorized: login failed")
          .extract("login failed(?: for user \"(?<user>[^\"]+)\")?: (?<why>[^;]+)(?:; (?<remedy>.*))?")
          .cause("the credentials reached the registry and were wrong: unknown user or wrong password (the message says which)")
          .fix("fix the username/password the job uses (CI variables), then docker login again; an admin can reset it: berth user passwd USER").build(),
      sig("berth-ci-token-expired").title("berth refused an expired or revoked CI token").hop(TOKEN).ref("§2 entry 9 (berth explained it)").prior(13)
          .on("CI token #\\d+ of user \"[^\"]+\" (expired at|was revoked at)")
          .extract("CI token #(?<token>\\d+) of user \"(?<user>[^\"]+)\" (?<why>expired at \\S+|was revoked at \\S+)")
          .cause("the CI token used for login is past its expiry (or was revoked); tokens are short-lived on purpose")
          .fix("create a fresh token for this job right before pushing: berth token create --ci --push NAMESPACE --ttl 1h").build(),
      sig("berth-login-required").title("berth needs a login and got none").hop(REGISTRY).ref("§2 entry 3 (berth explained it)").prior(11)
          .on("authentication required: this registry needs a login")
          .cause("the client sent no credentials at all: it never logged in to this registry host (or stored the login under another host name)")
          .fix("docker login HOST (or berth login HOST) with the exact host:port used in the image reference").build(),
      sig("berth-login-throttled").title("berth is throttling logins after repeated failures").hop(TOKEN).ref("§2 entry 13 (berth explained it)").prior(12)
          .on("too many failed logins from \\S+")
          .cause("several wrong logins in a row from this address; the registry blocks it for a while instead of answering with an empty 403")
          .fix("fix the credentials first, then retry after the time the message gives").build(),

      // ---------- A. authentication / authorisation ----------
      sig("credentials-dropped-client-daemon").title("the login was lost between the docker CLI and the daemon: the push went out anonymously")
          .hop(CLIENT_DAEMON).ref("§1, entries 1, 3, 5").prior(2)
          .on("denied: access forbidden", "unauthorized: authentication required", "no basic auth credentials")
          .ev(3, LOGIN_OK, "docker login succeeded, so the credentials themselves are valid")
          .ev(5, RH_CLIENT, "the docker CLI is Red Hat's 1.12/1.13 fork (or that generation)")
          .ev(4, DISTRO_DOCKER_INSTALL, "the job installed docker from the distribution's repositories")
          .ev(1, "centos:?(centos)?7|CentOS Linux 7|rhel7|el7", "the job image is CentOS/RHEL 7")
          .ev(2, "docker:[0-9.]*-?dind|Server:.*\\n?.*Version:\\s+(1[89]|2\\d)\\.|Docker Engine - Community", "an upstream (docker-ce/dind) daemon does the push")
          .ev(5, "UpstreamClient\\(Docker-Client/1\\.1[0-3]", "the registry saw an old CLI behind a daemon in the User-Agent")
          .ev(1, "Published image|sbt-native-packager|docker:publish", "sbt-native-packager shells out to whatever docker is on PATH")
          .ev(-2, "CI_JOB_TOKEN|gitlab-ci-token", "a job token login points to the cross-project rule instead")
          .ev(-3, "level=fatal msg=", "a containers/image tool (skopeo/podman) made this request: there is no daemon to lose the login")
          .cause("Red Hat's docker 1.12/1.13 CLI (yum install docker on CentOS 7) sends X-Registry-Auth as a JSON map {\"registry\": {…}}; an upstream daemon decodes one AuthConfig,"
              + " ignores the unknown key, gets empty credentials and pushes anonymously. docker login still says Login Succeeded (it sends the credentials in the body)."
              + " GitLab's token service answers an anonymous push with 403 denied: access forbidden; other registries say unauthorized: authentication required; pulls say no basic auth credentials")
          .fix("install docker-ce-cli at the daemon's version (yum install -y docker-ce-cli-<ver> from download.docker.com) or run the job in docker:<daemon>-cli; verify with berth doctor env (client/daemon skew)").build(),
      sig("login-other-user-or-daemon").title("login and push used different credentials stores (sudo, another HOME, another daemon)")
          .hop(CLIENT_DAEMON).ref("entries 1, 2e, 12").prior(2)
          .on("denied: access forbidden", "denied: requested access to the resource is denied", "no basic auth credentials", "pull access denied for")
          .ev(4, "sudo\\s+docker\\s+(push|pull)", "the push ran under sudo, which reads root's ~/.docker/config.json")
          .ev(2, "DOCKER_HOST=|DOCKER_CONFIG=|HOME=", "the job changes which daemon or config docker uses")
          .ev(1, "docker:[0-9.]*-?dind", "a dind service is a fresh daemon with no logins")
          .ev(1, LOGIN_OK, "a login happened, somewhere")
          .cause("docker login stored the credentials in one config.json (the job user's) and the push read another: sudo (root's HOME), a different DOCKER_CONFIG/HOME, or a different daemon/runner")
          .fix("log in and push as the same user with the same DOCKER_CONFIG; in GitLab, log in within the job that pushes, or use DOCKER_AUTH_CONFIG for the runner's own pulls").build(),
      sig("gitlab-job-token-other-project").title("CI_JOB_TOKEN may push only to its own project's registry")
          .hop(TOKEN).ref("entry 8").prior(1)
          .on("denied: access forbidden", "denied: requested access to the resource is denied")
          .ev(5, "CI_JOB_TOKEN|gitlab-ci-token", "the job logged in with its job token")
          .ev(1, "registry\\.gitlab\\.com|CI_REGISTRY", "the target is a GitLab registry")
          .cause("a GitLab job token can push only to the project the job runs in ($CI_REGISTRY_IMAGE); reads of other projects need the target's job token allowlist")
          .fix("push to $CI_REGISTRY_IMAGE/…, or use a deploy token / PAT with write_registry for the other project").build(),
      sig("denied-insufficient-scope").title("authenticated, but not allowed to push to this repository path")
          .hop(REGISTRY).ref("entry 2").prior(4)
          .on("denied: requested access to the resource is denied", "insufficient_scope")
          .ev(3, "push refers to repository \\[docker\\.io/", "the image name has no registry host, so it goes to Docker Hub")
          .ev(2, "push refers to repository \\[docker\\.io/library/", "no namespace: docker.io/library/ is Docker's own namespace")
          .ev(1, LOGIN_OK, "the credentials were accepted at login")
          .ev(-3, "sudo\\s+docker\\s+push", "sudo points to a different credentials store instead")
          .cause("the registry issued a token without push for this path (the client maps 401 insufficient_scope to this text): wrong namespace in the tag,"
              + " read-only token/PAT, a role without push (GitLab Reporter), protected tags, or Docker Hub's two-level name limit")
          .fix("tag the image under a namespace you can push to (docker tag app USER/app:1), use a token with write access, or ask for push on the path").build(),
      sig("unauthorized-on-push").title("the registry got no valid token for the upload").hop(REGISTRY).ref("entry 3").prior(3)
          .on("unauthorized: authentication required", "401 Unauthorized", "unauthorized: unauthorized to access repository")
          .ev(2, "PATCH|blobs/uploads", "it failed during the blob upload, after the token dance")
          .ev(2, "proxy|nginx|haproxy|ingress", "a proxy sits in front of the registry and may strip Authorization")
          .ev(-1, LOGIN_OK, "a successful login makes the credentials-dropped cause more likely")
          .cause("credentials or the bearer token did not reach the blob/manifest request: token expired mid-push, a proxy stripping Authorization on PATCH,"
              + " basic auth in the proxy in front of a token-auth registry, or the login never reached the daemon (see the credentials-dropped candidate)")
          .fix("compare what the registry received (berth audit --denied shows it); fix the proxy to pass Authorization; log in right before pushing").build(),
      sig("gitlab-http-basic-denied").title("GitLab refused the username/password").hop(TOKEN).ref("entry 4").prior(6)
          .on("HTTP Basic: Access denied")
          .ev(2, "2FA|two-factor|personal access token", "2FA requires a token instead of the password")
          .cause("wrong password, 2FA enabled while a password is used, or an expired/revoked token or one without read_registry/write_registry")
          .fix("use a personal access token or deploy token with read_registry + write_registry, or $CI_REGISTRY_USER/$CI_REGISTRY_PASSWORD in CI").build(),
      sig("wrong-credentials").title("the registry rejected the username or password").hop(TOKEN).ref("entry 4").prior(5)
          .on("incorrect username or password", "invalid username/password", "unauthorized: incorrect username", "authentication failed for user", "login attempt to \\S+ failed with status: 401")
          .cause("the credentials reached the registry and are wrong, expired or lack registry scopes")
          .fix("check the CI variables that hold the username and token (no trailing newline, right registry), then log in again").build(),
      sig("no-basic-auth-credentials").title("the daemon had no credentials for this registry").hop(CLIENT_DAEMON).ref("entry 5").prior(3)
          .on("no basic auth credentials")
          .ev(3, "amazonaws\\.com|ecr", "ECR: the login is per registry and expires after 12 h")
          .ev(2, "credHelpers|credsStore|docker-credential-", "a credential helper is configured and may be missing")
          .cause("nothing in config.json for this registry when the daemon pulled: never logged in, a parallel job overwrote the shared ~/.docker/config.json, a missing credential helper,"
              + " or a Red Hat CLI whose login the upstream daemon could not read")
          .fix("use a job-local DOCKER_CONFIG=$(mktemp -d) and log in right before; install the credential helper the config names").build(),
      sig("token-insufficient-scopes").title("the token service refused the requested scope").hop(TOKEN).ref("entry 6").prior(6)
          .on("access token has insufficient scopes", "insufficient_scope: authorization failed", "failed to fetch oauth token.*401")
          .ev(2, "scope=repository%3A[^\\s]*%3Apull%2Cpush|pull,push", "a push scope was requested")
          .cause("the token (PAT/GITHUB_TOKEN) is read-only but the build step requests push (e.g. push: true in build-push-action), or the account cannot write that repository")
          .fix("give the token write scope (Docker Hub PAT Read & Write, packages: write) or stop requesting push in jobs that should not push").build(),
      sig("ghcr-write-package").title("GitHub refused to let this workflow write the package").hop(TOKEN).ref("entry 7").prior(7)
          .on("installation not allowed to (Write|Create) organization package", "permission_denied: write_package", "denied: permission_denied")
          .cause("GITHUB_TOKEN lacks packages: write, or the package exists and this repository is not in its Manage Actions access list")
          .fix("permissions: packages: write on the job, and add the repository under the package's settings → Manage Actions access").build(),
      sig("token-expired").title("the registry token expired").hop(TOKEN).ref("entry 9").prior(6)
          .on("authorization token has expired", "token is expired", "token has expired", "bearer token expired at")
          .ev(2, "ecr|amazonaws\\.com", "ECR tokens last 12 h and a stale one in config.json is reused")
          .cause("the login is older than the token lifetime (ECR 12 h; registry bearer tokens minutes) — a long build or a stale config.json")
          .fix("log in immediately before pushing (docker logout first for ECR); for long uploads use a client that refreshes tokens").build(),
      sig("clock-skew").title("the token was rejected as not yet valid: clocks differ").hop(TOKEN).ref("entry 10").prior(7)
          .on("token not to be used before", "token is not valid yet", "token used before issued", "\\bnbf\\b.*(token|claim|valid)")
          .cause("the token issuer and the registry (or the CI machine) disagree about the time, so a fresh token is 'from the future'")
          .fix("sync the clocks (NTP) on the token service, registry nodes and runners; registries should allow ~60 s leeway").build(),
      sig("credential-store-headless").title("docker could not save the login: the credential store needs a desktop session")
          .hop(CLIENT).ref("entry 11").prior(8)
          .on("error storing credentials", "Cannot autolaunch D-Bus", "org\\.freedesktop\\.secrets", "error getting credentials - err: exit status")
          .cause("credsStore is secretservice/pass (e.g. Ubuntu's golang-docker-credential-helpers) on a server without D-Bus or X11")
          .fix("use a job-local DOCKER_CONFIG without credsStore, or remove the helper package").build(),
      sig("dind-pull-access-denied").title("the runner's or daemon's own pull had no login").hop(REGISTRY).ref("entry 12").prior(3)
          .on("pull access denied for .*repository does not exist or may require 'docker login'")
          .ev(2, "docker:[0-9.]*-?dind", "dind is a fresh daemon without the job's logins")
          .ev(2, "image:|Using docker image", "the runner pulls the job image itself, with DOCKER_AUTH_CONFIG, not with the job's docker login")
          .cause("the pull was done by a daemon that never saw the login: the runner pulling image: uses DOCKER_AUTH_CONFIG, a dind service starts empty; or the repository name is wrong")
          .fix("set DOCKER_AUTH_CONFIG for images the runner pulls; log in inside the job for dind; check the repository name").build(),
      sig("empty-error-body").title("the registry host answered with an empty body: a ban or a proxy, not the registry").hop(PROXY).ref("entry 13").prior(6)
          .on("error parsing HTTP \\d{3} response body: unexpected end of JSON input")
          .ev(2, "HTTP 403", "an empty 403 is typical of a temporary IP ban after failed logins (GitLab Rack::Attack)")
          .cause("something in front of the registry (rate-limit ban, WAF, load balancer) answered without a registry error body")
          .fix("wait for the ban to expire and fix the failing credentials; check proxy/WAF logs for the request").build(),

      // ---------- B. transport / TLS / proxies ----------
      sig("x509-unknown-authority").title("the daemon does not trust the registry's certificate").hop(TLS).ref("entry 14").prior(8)
          .on("x509: certificate signed by unknown authority", "certificate verify failed", "unable to find valid certification path", "PKIX path building failed")
          .ev(2, "dind", "in dind the pushing daemon is the service container, which has its own trust store")
          .cause("the registry uses a private CA that the pushing daemon (the dind service, not the job container) does not trust; kaniko/BuildKit/Jib have their own trust stores")
          .fix("put the CA in /etc/docker/certs.d/HOST:PORT/ca.crt of the pushing daemon (mount it into dind), or in the JVM truststore for Jib").build(),
      sig("x509-name-mismatch").title("the registry's certificate is for another name").hop(TLS).ref("entry 14").prior(8)
          .on("x509: certificate is valid for .*, not ", "certificate is not valid for any names", "No subject alternative (DNS )?name")
          .cause("the host name in the image reference is not in the certificate's subject alternative names (IP vs name, internal vs external host)")
          .fix("use the host name the certificate was issued for, or reissue it with that name as a SAN").build(),
      sig("x509-expired").title("the registry's certificate has expired").hop(TLS).ref("entry 14").prior(8)
          .on("x509: certificate has expired or is not yet valid", "certificate has expired", "CertificateExpiredException")
          .cause("the certificate's validity window does not include now (expired, or the machine's clock is wrong)")
          .fix("renew the certificate; check the clock of the machine that pushes").build(),
      sig("http-response-to-https").title("the registry speaks plain HTTP but the client expected HTTPS").hop(TLS).ref("entry 15").prior(8)
          .on("server gave HTTP response to HTTPS client", "Unrecognized SSL message, plaintext connection", "HTTPS connection failed.*plain HTTP")
          .ev(2, "dind", "with dind, --insecure-registry must be on the service's command")
          .cause("the registry serves plain HTTP while the pushing daemon only uses HTTPS for it: the host is not in insecure-registries of that daemon")
          .fix("serve TLS (berth serve --tls-self-signed), or add --insecure-registry HOST:PORT to the daemon that pushes (services: docker:dind command), or --tls-verify=false for skopeo").build(),
      sig("request-entity-too-large").title("a proxy in front of the registry refused the layer: body too large").hop(PROXY).ref("entry 16").prior(8)
          .on("413 Request Entity Too Large", "error parsing HTTP 413 response body", "status 413")
          .cause("the reverse proxy's request body limit (nginx client_max_body_size, 1 MB by default) is smaller than a layer chunk")
          .fix("client_max_body_size 0; in nginx (ingress annotation nginx.ingress.kubernetes.io/proxy-body-size: \"0\")").build(),
      sig("proxy-html-body").title("something other than the registry answered (an HTML page)").hop(PROXY).ref("entries 13, 16, 26").prior(4)
          .on("error parsing HTTP \\d{3} response body: invalid character '<' looking for beginning of value")
          .ev(3, "registry\\.access\\.redhat\\.com", "an unqualified name went to Red Hat's registry")
          .cause("a proxy, WAF, CDN or the wrong host answered with HTML; the registry never saw the request")
          .fix("look at the HTML in the message (its title names the component); fix the proxy route or qualify the image name with the registry host").build(),
      sig("blob-upload-unknown").title("the registry lost the upload session").hop(REGISTRY).ref("entry 17").prior(7)
          .on("blob upload unknown", "BLOB_UPLOAD_UNKNOWN", "blob upload invalid", "BLOB_UPLOAD_INVALID")
          .ev(2, "load.?balancer|replica|invalid secret", "several registry replicas behind a load balancer")
          .cause("upload state lives on one replica (or is signed with a per-replica http.secret): the next chunk landed on another; or a proxy rewrote the upload URL; or it expired")
          .fix("share REGISTRY_HTTP_SECRET and storage across replicas or use sticky sessions; do not rewrite Location URLs in the proxy").build(),
      sig("blob-unknown-at-manifest").title("the manifest references a blob the registry does not have").hop(REGISTRY).ref("entry 18").prior(6)
          .on("blob unknown to registry", "MANIFEST_BLOB_UNKNOWN", "BLOB_UNKNOWN", "manifest blob unknown")
          .cause("a layer was skipped because a cache/proxy answered HEAD with 200, a cross-repository mount silently failed, or storage is eventually consistent")
          .fix("push again with the cache bypassed; check the proxy does not cache HEAD /v2/…/blobs; use consistent storage").build(),

      // ---------- C. content / format ----------
      sig("manifest-invalid").title("the registry rejected the manifest format").hop(REGISTRY).ref("entry 19").prior(6)
          .on("manifest invalid", "MANIFEST_INVALID", "unsupported manifest media type", "manifest.*not accepted")
          .ev(3, "buildx|provenance|attestation|application/vnd\\.oci\\.image\\.index", "buildx ≥ 0.10 pushes an OCI index with attestations by default")
          .cause("the registry does not accept what was pushed: an OCI image index with provenance attestations (older Artifactory/Nexus/GCR caches) or a schema1 manifest")
          .fix("upgrade the registry, or build with --provenance=false (build-push-action: provenance: false)").build(),
      sig("schema1-rejected").title("an old client pushed a schema1 manifest").hop(REGISTRY).ref("entry 20").prior(3)
          .on("manifest\\.v1\\+prettyjws", "schema1", "Received unexpected HTTP status: 500 Internal Server Error")
          .ev(3, "Docker version 1\\.[0-9]\\.|Version:\\s+1\\.[0-9]\\.", "Docker ≤ 1.9 can only push schema1")
          .cause("Docker ≤ 1.9 pushes schema1 manifests, which distribution 2.7+ and GitLab 13.9+ reject (Docker Hub since 2024)")
          .fix("use Docker ≥ 1.10 (any current docker-ce-cli)").build(),
      sig("ecr-repository-missing").title("ECR has no such repository (it does not create them on push)").hop(REGISTRY).ref("entry 21").prior(8)
          .on("The repository with name '[^']+' does not exist in the registry with id")
          .cause("ECR requires the repository to exist; often the full registry URI was put where only the repository name belongs")
          .fix("aws ecr create-repository --repository-name NAME, and pass only the repository name to the action").build(),
      sig("name-unknown").title("the registry does not know this repository").hop(REGISTRY).ref("entry 22").prior(5)
          .on("name unknown", "NAME_UNKNOWN", "repository name not known to registry")
          .cause("the repository path does not match a project/repository that exists (typo, GitLab group/project path, Harbor project missing)")
          .fix("check the path against the registry's UI/catalog; create the project first where the registry requires it").build(),
      sig("manifest-unknown").title("the tag or digest does not exist in that repository").hop(REGISTRY).ref("entry 22").prior(4)
          .on("manifest unknown", "MANIFEST_UNKNOWN", "manifest for \\S+ not found", "reading manifest \\S+ in \\S+: manifest unknown")
          .cause("the tag was never pushed to this repository (or was deleted), or the reference has a typo or the wrong registry host")
          .fix("list the tags (berth tags REPO / skopeo list-tags docker://REPO) and use one that exists").build(),
      sig("tag-immutable").title("the registry refuses to overwrite this tag").hop(REGISTRY).ref("entry 28").prior(7)
          .on("cannot be overwritten because the repository is immutable", "ImageTagAlreadyExistsException", "TAG_INVALID", "tag invalid", "protected tag")
          .cause("the repository has immutable or protected tags, so pushing the same tag again is refused")
          .fix("push a new tag (e.g. include the commit SHA) instead of reusing one").build(),
      sig("cross-repo-mount-refused").title("a cross-repository blob mount was refused").hop(TOKEN).ref("entry 27").prior(3)
          .on("(mount|from=)[^\\n]*(insufficient_scope|denied|401|403)", "(insufficient_scope|denied|401|403)[^\\n]*(mount=|from=)")
          .cause("the client asked to mount a layer from another repository (scope repository:SOURCE:pull) that the token does not cover, and the client did not fall back to uploading")
          .fix("upgrade BuildKit/containerd (≥ 2.1 falls back), or push without mounts; give the token pull on the source repository").build(),

      // ---------- D. daemon / environment ----------
      sig("rate-limited").title("the registry rate-limited the pulls").hop(REGISTRY).ref("entry 23").prior(8)
          .on("toomanyrequests", "You have reached your pull rate limit", "429 Too Many Requests")
          .cause("Docker Hub counts anonymous pulls per IP (shared CI NAT) and manifest GETs count even without layers")
          .fix("authenticate pulls (DOCKER_AUTH_CONFIG), use a pull-through cache / dependency proxy, or mirror base images").build(),
      sig("daemon-unreachable").title("the docker CLI cannot reach a daemon").hop(CLIENT_DAEMON).ref("entry 24").prior(5)
          .on("Cannot connect to the Docker daemon at", "Is the docker daemon running\\?", "error during connect")
          .ev(4, "tcp://docker:2375", "dind ≥ 19.03 listens with TLS on 2376 unless DOCKER_TLS_CERTDIR is empty")
          .ev(2, "lookup docker.*no such host", "the dind service is missing or has no alias docker")
          .ev(1, "unix:///var/run/docker.sock", "the default socket: no daemon on this machine/container")
          .cause("no daemon at DOCKER_HOST: the dind service is not running, listens with TLS on 2376 while the job uses 2375, lacks privileged mode or the alias docker; or no local daemon")
          .fix("GitLab dind: services: docker:<ver>-dind with DOCKER_HOST=tcp://docker:2376 and DOCKER_TLS_CERTDIR=/certs (or both 2375 and DOCKER_TLS_CERTDIR: \"\"); locally start dockerd").build(),
      sig("api-too-old").title("the daemon refuses the client's API version as too old").hop(CLIENT_DAEMON).ref("entry 25").prior(9)
          .on("client version [0-9.]+ is too old\\. Minimum supported API version is", "is too old\\. Minimum supported API version")
          .extract("client version (?<clientApi>[0-9.]+) is too old\\. Minimum supported API version is (?<minApi>[0-9.]+)")
          .cause("the daemon's minimum API is above the client's (Engine 29 needs API ≥ 1.44, i.e. Docker 25+ clients); frozen images like docker:stable and pinned SDKs break")
          .fix("upgrade the CLI/SDK, or let the client negotiate the API version (GET /version first)").build(),
      sig("unqualified-name-search").title("an unqualified image name resolved to an unexpected registry").hop(CLIENT).ref("entry 26").prior(4)
          .on("short-name \"[^\"]+\" did not resolve", "registry\\.access\\.redhat\\.com", "Emulate Docker CLI using podman", "unqualified-search registries")
          .cause("podman/Red Hat docker resolve names without a registry host through registries.conf search lists (or --add-registry)")
          .fix("always use fully qualified names: registry.example.com/group/app:1").build(),
      sig("network-connection-refused").title("nothing listens at the registry address").hop(NETWORK).ref("§2.2 (network)").prior(4)
          .on("connect: connection refused", "Connection refused", "ConnectException")
          .ev(-2, "Cannot connect to the Docker daemon", "this is the daemon socket, not the registry")
          .cause("the registry is down, listens on another port/interface, or the address in the image reference is wrong (inside dind, localhost is the service container)")
          .fix("check the host:port in the reference; from dind, use the registry's service name, not localhost").build(),
      sig("network-dns").title("the registry host name does not resolve").hop(NETWORK).ref("§2.2 (network)").prior(4)
          .on("no such host", "UnknownHostException", "Temporary failure in name resolution")
          .ev(-3, "lookup docker[ :]", "this is the dind service name: see daemon-unreachable")
          .cause("DNS cannot resolve the host in the image reference (typo, internal name not resolvable from the runner, missing service alias)")
          .fix("use a resolvable host; in CI, check the service alias and the runner's DNS").build(),
      sig("network-timeout").title("the connection to the registry timed out").hop(NETWORK).ref("§2.2 (network)").prior(3)
          .on("i/o timeout", "TLS handshake timeout", "request canceled while waiting for connection", "Client\\.Timeout exceeded", "connect timed out", "SocketTimeoutException")
          .cause("a firewall drops the traffic, a proxy is required (HTTPS_PROXY) but not configured for the daemon, or the registry is overloaded")
          .fix("configure the proxy for the daemon (systemd drop-in / dind env), not just the shell; check firewalls").build(),

      // ---------- build tools ----------
      sig("old-docker-dockerfile-features").title("the docker that builds is too old for this Dockerfile").hop(BUILD).ref("§3.1, §4.2").prior(7)
          .on("unknown flag: chown", "FROM requires either one (argument|or three arguments)", "Unknown flag: from", "unknown instruction: --mount")
          .ev(2, "sbt-native-packager|docker:publish", "sbt-native-packager picks Dockerfile features from the docker version it detects")
          .cause("multi-stage builds need Docker ≥ 17.05 and COPY --chown ≥ 17.09; an old CLI/daemon (e.g. CentOS's 1.13.1) cannot parse the Dockerfile written for a newer one")
          .fix("use a current docker-ce (or set dockerVersion / dockerChmodType in sbt-native-packager to match the CI docker)").build(),
      sig("jib-unauthorized").title("Jib could not authenticate to the registry").hop(TOKEN).ref("entries 3, 4").prior(6)
          .on("Build image failed, perhaps you should make sure your credentials for '[^']+' are set up correctly", "Unauthorized for \\S+", "jib.*401 Unauthorized")
          .cause("Jib found no or wrong credentials: it reads docker's config.json/credential helpers or jib.to.auth, not the daemon")
          .fix("set jib.to.auth.username/password (from CI variables) or log in with docker login on the same machine before mvn jib:build").build(),
      sig("jib-insecure-registry").title("Jib refuses a plain-HTTP or untrusted registry").hop(TLS).ref("entries 14, 15").prior(7)
          .on("Failed to connect to \\S+ over HTTPS", "allowInsecureRegistries", "Insecure connection to \\S+ is not allowed")
          .cause("the registry is HTTP-only or uses an untrusted certificate and Jib is not allowed to use it insecurely")
          .fix("serve TLS with a trusted certificate, or -Djib.allowInsecureRegistries=true for a local registry").build(),
      sig("buildkit-anonymous-token").title("BuildKit could not get a token (anonymous)").hop(TOKEN).ref("§2.0, entries 3, 6").prior(5)
          .on("failed to fetch anonymous token", "failed to authorize: failed to fetch")
          .ev(1, LOGIN_OK, "a login happened but BuildKit did not use it (different config or builder)")
          .cause("BuildKit asked for a token without credentials: no docker login for this registry visible to the builder (docker-container builders read the client's config), or the repository is private")
          .fix("docker login before docker buildx build --push, in the same job and DOCKER_CONFIG; for remote builders pass the credentials").build(),
      sig("skopeo-auth-file").title("skopeo/podman/buildah: the registry did not accept the credentials sent (none or wrong)").hop(TOKEN).ref("entries 3, 5").prior(3)
          .on("(checking whether a blob|initiating layer upload|trying to reuse blob|reading manifest|writing manifest)[^\\n]*(unauthorized: authentication required|requested access to the resource is denied)")
          .ev(2, "level=fatal msg=|^Error: ", "a containers/image tool (skopeo, podman, buildah): no daemon in between")
          .ev(1, "skopeo|podman|buildah", "the log names a containers/image tool")
          .cause("containers/image tools send what --creds/--dest-creds or the auth file gives them (${XDG_RUNTIME_DIR}/containers/auth.json, then ~/.docker/config.json);"
              + " a registry with basic auth answers 'authentication required' both for no credentials and for wrong ones")
          .fix("pass --dest-creds USER:PASS (or --creds) from CI variables, or --authfile pointing at the config.json that holds the login; check the password").build());
}
