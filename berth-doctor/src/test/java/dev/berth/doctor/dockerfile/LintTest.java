package dev.berth.doctor.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class LintTest {
  static Finding find(List<Finding> fs, String id) {
    return fs.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + fs));
  }

  @Test
  void centos7WithYumInstallDockerIsTheDocker1131Fork() {
    List<Finding> fs = DockerfileLinter.lint("Dockerfile", """
        FROM centos:centos7
        RUN yum update -y && \\
            yum install -y docker && \\
            yum clean all
        """);
    Finding f = find(fs, "dockerfile.distro-docker");
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.location()).isEqualTo("Dockerfile:2");
    assertThat(f.title()).contains("Red Hat's docker 1.13.1");
    assertThat(f.why()).contains("X-Registry-Auth").contains("denied: access forbidden");
    assertThat(f.fix()).contains("docker-ce-cli");
    assertThat(find(fs, "pin.yum").title()).contains("docker");
    assertThat(find(fs, "dockerfile.centos7").severity()).isEqualTo(Severity.NOTE);
  }

  @Test
  void pinningRulesNameTheLine() {
    List<Finding> fs = DockerfileLinter.lint("Dockerfile", """
        FROM ubuntu
        FROM debian:latest AS build
        # a comment
        RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 git
        RUN apk add --no-cache bash=5.2.15-r0 jq
        RUN pip install requests==2.31.0 flask
        RUN npm install -g typescript@5.3.3 eslint
        RUN gem install bundler:2.5.3 rake
        RUN yum install -y docker-ce-24.0.7 docker-ce-cli
        FROM build
        FROM scratch
        """);
    assertThat(find(fs, "dockerfile.from-untagged").location()).isEqualTo("Dockerfile:1");
    assertThat(find(fs, "dockerfile.from-latest").location()).isEqualTo("Dockerfile:2");
    assertThat(find(fs, "pin.apt").title()).endsWith(": git");
    assertThat(find(fs, "pin.apt").location()).isEqualTo("Dockerfile:4");
    assertThat(find(fs, "pin.apk").title()).endsWith(": jq");
    assertThat(find(fs, "pin.pip").title()).endsWith(": flask");
    assertThat(find(fs, "pin.npm").title()).endsWith(": eslint");
    assertThat(find(fs, "pin.gem").title()).endsWith(": rake");
    // hadolint DL3033 counts any hyphen as pinned; docker-ce-cli is not
    assertThat(find(fs, "pin.yum").title()).endsWith(": docker-ce-cli");
    assertThat(fs).noneMatch(f -> f.id().equals("dockerfile.distro-docker"));
    assertThat(fs).filteredOn(f -> f.id().startsWith("dockerfile.from")).hasSize(2);
  }

  @Test
  void gitlabCiCliImageAndDindServiceOfDifferentVersions() {
    List<Finding> fs = CiFileLinter.lint(".gitlab-ci.yml", """
        build:
          image: docker:19.03.12
          services:
            - docker:24.0.7-dind
          variables:
            DOCKER_HOST: tcp://docker:2375
          script:
            - docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY
            - docker push $CI_REGISTRY_IMAGE:1
        other:
          image: centos:7
          services:
            - name: docker:dind
          script:
            - yum install -y docker
        """, true, false);
    Finding mismatch = find(fs, "ci.docker-cli-dind-mismatch");
    assertThat(mismatch.severity()).isEqualTo(Severity.ERROR);
    assertThat(mismatch.location()).isEqualTo(".gitlab-ci.yml:2");
    assertThat(mismatch.evidence()).contains("line 4: docker:24.0.7-dind");
    assertThat(find(fs, "ci.docker-unpinned").location()).isEqualTo(".gitlab-ci.yml:13");
    assertThat(find(fs, "ci.dind-tls-port").location()).isEqualTo(".gitlab-ci.yml:6");
    assertThat(find(fs, "dockerfile.distro-docker").location()).isEqualTo(".gitlab-ci.yml:15");
  }

  @Test
  void sameVersionsAreFine() {
    List<Finding> fs = CiFileLinter.lint(".gitlab-ci.yml", """
        image: docker:24.0.7-cli
        services:
          - docker:24.0.7-dind
        variables:
          DOCKER_TLS_CERTDIR: "/certs"
        """, true, false);
    assertThat(fs).isEmpty();
  }

  @Test
  void jobTokenPushToAnotherProject_andSudoPush() {
    List<Finding> fs = CiFileLinter.lint(".gitlab-ci.yml", """
        push:
          script:
            - docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY
            - docker push registry.gitlab.com/other/project/app:1
            - docker login -u me -p x reg.example.com && sudo docker push reg.example.com/me/app:1
        """, true, false);
    assertThat(find(fs, "ci.job-token-foreign-push").location()).isEqualTo(".gitlab-ci.yml:4");
    assertThat(find(fs, "ci.sudo-push").location()).isEqualTo(".gitlab-ci.yml:5");
  }

  @Test
  void githubWorkflowPushingToGhcrWithoutPackagesWrite() {
    List<Finding> fs = CiFileLinter.lint(".github/workflows/build.yml", """
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v5
                with:
                  push: true
                  tags: ghcr.io/org/app:1
        """, false, true);
    assertThat(find(fs, "ci.ghcr-permissions").location()).isEqualTo(".github/workflows/build.yml:8");
  }
}
