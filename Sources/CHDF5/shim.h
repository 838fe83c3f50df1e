/* HDF5's C API as nnpipe calls it, for Keras' weights (model.weights.h5 in a .keras file, and
   .weights.h5). The library is loaded at run time (dlopen), never linked: only a Keras model needs
   it, so nnpipe builds need HDF5's headers (Debian's libhdf5-dev) but the binary runs without the
   library, and says what to install when a Keras file is given without it. The function pointers
   take their types from the headers, so a signature mismatch is a compile error. */
#include <dlfcn.h>
#include <stddef.h>
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h> /* Debian, Ubuntu */
#else
#include <hdf5.h>
#endif

#define CHDF5_FUNCTIONS(X) \
    X(H5open) X(H5get_libversion) X(H5Eset_auto2) X(H5Pcreate) X(H5Pclose) X(H5Pset_fapl_core) \
    X(H5Pset_file_image) X(H5Fopen) X(H5Fclose) X(H5Lexists) X(H5Dopen2) X(H5Dclose) X(H5Dget_space) \
    X(H5Dget_type) X(H5Dread) X(H5Sget_simple_extent_ndims) X(H5Sget_simple_extent_dims) X(H5Sclose) \
    X(H5Tget_class) X(H5Tget_size) X(H5Tclose)

/* The functions nnpipe calls, and the two global ids behind HDF5's H5T_NATIVE_DOUBLE and
   H5P_FILE_ACCESS macros (valid after H5open). */
typedef struct CHDF5_api {
#define CHDF5_FIELD(name) __typeof__(name) *name;
    CHDF5_FUNCTIONS(CHDF5_FIELD)
#undef CHDF5_FIELD
    hid_t *native_double;
    hid_t *file_access_class;
} CHDF5_api;

/* Fills `api` from the loaded library `library`; returns the name of the first symbol missing,
   or NULL when all are there. */
static inline const char *CHDF5_resolve(void *library, CHDF5_api *api) {
#define CHDF5_RESOLVE(name) \
    if (!(api->name = (__typeof__(name) *)dlsym(library, #name))) return #name;
    CHDF5_FUNCTIONS(CHDF5_RESOLVE)
#undef CHDF5_RESOLVE
    if (!(api->native_double = (hid_t *)dlsym(library, "H5T_NATIVE_DOUBLE_g"))) return "H5T_NATIVE_DOUBLE_g";
    if (!(api->file_access_class = (hid_t *)dlsym(library, "H5P_CLS_FILE_ACCESS_ID_g"))) return "H5P_CLS_FILE_ACCESS_ID_g";
    return NULL;
}

/* The header's version, to name in messages. */
static inline unsigned CHDF5_header_major(void) { return H5_VERS_MAJOR; }
static inline unsigned CHDF5_header_minor(void) { return H5_VERS_MINOR; }
/* H5T_FLOAT and the default property list, which Swift cannot see as constants. */
static inline int CHDF5_float_class(void) { return H5T_FLOAT; }
static inline int CHDF5_integer_class(void) { return H5T_INTEGER; }
