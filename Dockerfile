# The silo image: `docker build -t platform-silo:cpu .` (CPU libtorch, the default) or
# `docker build --build-arg TORCH=cuda -t platform-silo:cuda .` (CUDA 12.8 libtorch; the node's
# NVIDIA driver comes in through the container runtime). deploy/k8s runs it.
#
# Build and runtime stages must share a distribution: the build patches libLibTorchSharp.so for the
# build stage's libstdc++ (build/TorchSharpNativeFix.targets), and leaves it alone where that
# libstdc++ is new enough, as on the default images.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0

FROM ${SDK_IMAGE} AS build
# cpu or cuda: which libtorch native package the Training project references.
ARG TORCH=cpu
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src

# Project files and build steps first, so a change to the sources reuses the restored packages.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/Spec/Spec.csproj src/Spec/
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Training/Training.csproj src/Training/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Client/Client.csproj src/Client/
COPY bench/Bench/Bench.csproj bench/Bench/
RUN case "$TORCH" in \
      cpu) echo libtorch-cpu-linux-x64 > /tmp/libtorch ;; \
      cuda) echo libtorch-cuda-12.8-linux-x64 > /tmp/libtorch ;; \
      *) echo "TORCH must be cpu or cuda, not '$TORCH'" >&2; exit 1 ;; \
    esac \
 && dotnet restore src/Client/Client.csproj -p:LibTorchPackage="$(cat /tmp/libtorch)"

COPY src/ src/
COPY bench/ bench/
# Publishing runs the native fix on the published copy (FixTorchSharpNativeForOldLibstdcxxOnPublish).
# Natives of other platforms go: the image is linux-x64 only, as libtorch's packages are.
RUN dotnet publish src/Client/Client.csproj -c Release --no-restore -p:UseAppHost=false \
      -p:LibTorchPackage="$(cat /tmp/libtorch)" -o /out \
 && find /out/runtimes -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +

FROM ${RUNTIME_IMAGE} AS runtime
# Debian's and Ubuntu's packaged data sets the example jobs read (/usr/share/datasets); empty for none.
ARG DATASETS=dataset-fashion-mnist
RUN if [ -n "$DATASETS" ]; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $DATASETS \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# libtorch brings its own OpenMP runtime (libgomp-<hash>.so.1, linked by that name), so the
# distribution's libgomp1 would not be used.
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    HOME=/tmp
WORKDIR /app
COPY --from=build /out ./
RUN mkdir -p /checkpoints && chown "$APP_UID" /checkpoints
# The runtime images' unprivileged user (APP_UID, 1654), by number so runAsNonRoot can check it.
USER $APP_UID
EXPOSE 11111 30000 9464
ENTRYPOINT ["dotnet", "platform.dll", "silo"]
