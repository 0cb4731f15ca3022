<?php
class Controller {}
