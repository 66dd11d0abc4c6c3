func.func @f() {
  %x =
}
