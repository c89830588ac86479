#include <openssl/evp.h>

/* EVP_sha256 and friends are plain functions; the shim only gathers what refkit uses. */
static inline const EVP_MD *refkit_sha256(void) { return EVP_sha256(); }
