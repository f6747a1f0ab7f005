#include "tls/tls_impl.h"

void
tls_impl_choose(struct tls_impl *im, uint32_t curves)
{
	im->ec = *br_ec_get_default();
	im->ec.supported_curves &= curves;
	if ((im->aes_ctr = br_aes_x86ni_ctr_get_vtable()) == NULL)
		im->aes_ctr = &br_aes_ct64_ctr_vtable;
	if ((im->ghash = br_ghash_pclmul_get()) == 0)
		im->ghash = br_ghash_ctmul64;
	if ((im->aes_cbcenc = br_aes_x86ni_cbcenc_get_vtable()) == NULL ||
	    (im->aes_cbcdec = br_aes_x86ni_cbcdec_get_vtable()) == NULL) {
		im->aes_cbcenc = &br_aes_ct64_cbcenc_vtable;
		im->aes_cbcdec = &br_aes_ct64_cbcdec_vtable;
	}
	if ((im->chacha20 = br_chacha20_sse2_get()) == 0)
		im->chacha20 = br_chacha20_ct_run;
	if ((im->poly1305 = br_poly1305_ctmulq_get()) == 0)
		im->poly1305 = br_poly1305_ctmul_run;
}

void
tls_impl_engine(br_ssl_engine_context *eng, const struct tls_impl *im)
{
	br_ssl_engine_set_hash(eng, br_md5_ID, &br_md5_vtable);
	br_ssl_engine_set_hash(eng, br_sha1_ID, &br_sha1_vtable);
	br_ssl_engine_set_hash(eng, br_sha224_ID, &br_sha224_vtable);
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf10(eng, &br_tls10_prf);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable,
	    &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(eng, im->aes_ctr);
	br_ssl_engine_set_ghash(eng, im->ghash);
	br_ssl_engine_set_cbc(eng, &br_sslrec_in_cbc_vtable,
	    &br_sslrec_out_cbc_vtable);
	br_ssl_engine_set_aes_cbc(eng, im->aes_cbcenc, im->aes_cbcdec);
	br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable,
	    &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(eng, im->chacha20);
	br_ssl_engine_set_poly1305(eng, im->poly1305);
	br_ssl_engine_set_ec(eng, &im->ec);
}
