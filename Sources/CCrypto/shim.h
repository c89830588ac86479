#include <openssl/evp.h>
#include <openssl/hmac.h>

/* EVP_sha256 and friends are plain functions; the shim only gathers what refkit uses. HMAC()
   (the one-shot form, not the deprecated HMAC_CTX calls) signs hook deliveries. */
static inline const EVP_MD *refkit_sha256(void) { return EVP_sha256(); }
