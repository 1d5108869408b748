#ifndef DUCT_VERSION_H
#define DUCT_VERSION_H
#define DUCT_VERSION "0.1.0"
#endif
