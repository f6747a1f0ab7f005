/*
 * tls_impl: the implementations an engine computes with, chosen once
 * for both ends (tls_server, tls_client).  BearSSL's defaults ask the
 * CPU what it has on every engine set up, with several CPUID
 * instructions, which trap to the hypervisor in a virtual machine: a
 * server or a client configuration asks once and hands the answer to
 * each connection's engine.
 */
#ifndef TLS_IMPL_H
#define TLS_IMPL_H

#include <bearssl.h>

#include "conf/tls_params.h"

struct tls_impl {
	br_ec_impl		 ec;		/* BearSSL's, curves narrowed */
	const br_block_ctr_class *aes_ctr;
	br_ghash		 ghash;
	const br_block_cbcenc_class *aes_cbcenc;
	const br_block_cbcdec_class *aes_cbcdec;
	br_chacha20_run		 chacha20;
	br_poly1305_run		 poly1305;
};

/* The fastest this CPU runs; ECDHE narrowed to the curves of `curves`. */
void	tls_impl_choose(struct tls_impl *, uint32_t curves);
/*
 * Hashes, PRFs, record protection and ECDHE for an engine: what a
 * suite of tls_params may need.  im must outlive the engine.
 */
void	tls_impl_engine(br_ssl_engine_context *, const struct tls_impl *im);

#endif
