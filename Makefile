# Two commands: `make test` and `make bench`. Both install the system libraries first.
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev zlib1g-dev pkg-config dataset-fashion-mnist libopenmpi-dev openmpi-bin
FASHION_MNIST := /usr/share/datasets/fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test bench docs clean

# Installs OpenBLAS (with its bundled LAPACK), zlib, Open MPI (DLDistributed and `mpirun`, for the
# data-parallel tests) and Fashion-MNIST (for `--data $(FASHION_MNIST)`) through apt when they are missing.
deps:
	@if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas zlib ompi-c \
		&& command -v mpirun >/dev/null 2>&1 && [ -d $(FASHION_MNIST) ]; then \
		echo "deps: openblas, zlib, Open MPI and Fashion-MNIST found"; \
	else \
		echo "deps: installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build -c release

# The examples first, so that the test runner's summary is the last thing printed.
test: deps
	$(SWIFT) build --build-tests
	@for example in Examples/HelloDLNN Examples/TransferLearning; do \
		if [ -d $$example ]; then $(SWIFT) build --package-path $$example || exit 1; fi; \
	done
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) run -c release dlbench all

# The API reference of DLCore, DLNN and DLDistributed (DocC, through swift-docc-plugin) in its own build folder, so that it
# never invalidates `.build`: $(DOCS_DIR)/DLCore.doccarchive, DLNN.doccarchive and DLDistributed.doccarchive, static sites
# (serve one, open /documentation/dlnn). Any DocC warning, such as a broken symbol link, fails the build.
DOCS_SCRATCH := .build-docs
DOCS_DIR := $(DOCS_SCRATCH)/docs
docs: deps
	mkdir -p $(DOCS_DIR)
	$(SWIFT) package --scratch-path $(DOCS_SCRATCH) --allow-writing-to-directory $(DOCS_DIR) \
		generate-documentation --target DLCore --target DLNN --target DLDistributed --output-path $(DOCS_DIR) \
		--warnings-as-errors

clean:
	rm -rf .build Examples/*/.build Benchmarks/.build
